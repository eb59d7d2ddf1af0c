using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static MLNet.Gelu.VectorMath;

namespace MLNet.Gelu;

/// <summary>ReLU, <c>x &lt; 0 ? 0 : x</c> (exact; −0 → −0, NaN → NaN).</summary>
internal readonly struct ReluOperator : IActivationOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float x) => x < 0 ? 0f : x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> x)
        => Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128<float>.Zero), Vector128<float>.Zero, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x)
        => Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), Vector256<float>.Zero, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> x)
        => Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), Vector512<float>.Zero, x);
}

/// <summary>Derivative of ReLU, <c>x &gt; 0 ? 1 : 0</c> (0 at 0; NaN → NaN).</summary>
internal readonly struct ReluDerivativeOperator : IActivationOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float x) => float.IsNaN(x) ? x : (x > 0 ? 1f : 0f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> x)
        => Vector128.ConditionalSelect(Vector128.IsNaN(x), x, Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), Vector128<float>.One, Vector128<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x)
        => Vector256.ConditionalSelect(Vector256.IsNaN(x), x, Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), Vector256<float>.One, Vector256<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> x)
        => Vector512.ConditionalSelect(Vector512.IsNaN(x), x, Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), Vector512<float>.One, Vector512<float>.Zero));
}

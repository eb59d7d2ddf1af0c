using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static MLNet.Gelu.VectorMath;

namespace MLNet.Gelu;

/// <summary>ELU with α = 1, <c>x ≥ 0 ? x : eˣ − 1</c> (e^x − 1 without cancellation; −0 → −0, −∞ → −1).</summary>
internal readonly struct EluOperator : IActivationOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float x) => x >= 0 ? x : ExpM1(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> x)
        => Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(x, Vector128<float>.Zero), x, ExpM1(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x)
        => Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, Vector256<float>.Zero), x, ExpM1(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> x)
        => Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(x, Vector512<float>.Zero), x, ExpM1(x));
}

/// <summary>Derivative of ELU, <c>x &gt; 0 ? 1 : eˣ</c> (1 at 0).</summary>
internal readonly struct EluDerivativeOperator : IActivationOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float x) => x > 0 ? 1f : Exp(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> x)
        => Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), Vector128<float>.One, Exp(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x)
        => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), Vector256<float>.One, Exp(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> x)
        => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), Vector512<float>.One, Exp(x));
}

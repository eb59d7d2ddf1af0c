using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static MLNet.Gelu.VectorMath;

namespace MLNet.Gelu;

/// <summary>SiLU (swish), <c>x·σ(x)</c>.</summary>
internal readonly struct SiluOperator : IActivationOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float x) => TimesSigmoid(x, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> x) => TimesSigmoid(x, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x) => TimesSigmoid(x, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> x) => TimesSigmoid(x, x);
}

/// <summary>Derivative of SiLU, <c>σ(x)(1 + x(1 − σ(x)))</c>; near its root <see cref="SiluRoot"/> through <see cref="RootExpansion"/>.</summary>
internal readonly struct SiluDerivativeOperator : IActivationOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float x)
    {
        x = Clamp(x, SigmoidLimit);
        return RootExpansion.Blend<SiluRoot>(x, SigmoidDerivative(x, x, 1f));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> x)
    {
        x = Clamp(x, SigmoidLimit);
        return RootExpansion.Blend<SiluRoot>(x, SigmoidDerivative(x, x, Vector128<float>.One));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x)
    {
        x = Clamp(x, SigmoidLimit);
        return RootExpansion.Blend<SiluRoot>(x, SigmoidDerivative(x, x, Vector256<float>.One));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> x)
    {
        x = Clamp(x, SigmoidLimit);
        return RootExpansion.Blend<SiluRoot>(x, SigmoidDerivative(x, x, Vector512<float>.One));
    }
}

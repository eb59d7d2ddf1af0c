using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static MLNet.Gelu.VectorMath;

namespace MLNet.Gelu;

/// <summary>Sigmoid GELU (quick_gelu), <c>x·σ(1.702x)</c>.</summary>
internal readonly struct GeluSigmoidOperator : IActivationOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float x) => TimesSigmoid(x, x * Alpha);

    internal const float Alpha = 1.702f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> x) => TimesSigmoid(x, x * Vector128.Create(Alpha));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x) => TimesSigmoid(x, x * Vector256.Create(Alpha));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> x) => TimesSigmoid(x, x * Vector512.Create(Alpha));
}

/// <summary>Derivative of sigmoid GELU, <c>σ(1.702x) + 1.702x·σ(1.702x)(1 − σ(1.702x))</c>; near its root <see cref="GeluSigmoidRoot"/> through <see cref="RootExpansion"/>.</summary>
internal readonly struct GeluSigmoidDerivativeOperator : IActivationOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float x)
    {
        x = Clamp(x, SigmoidLimit);
        return RootExpansion.Blend<GeluSigmoidRoot>(x, SigmoidDerivative(x, x * GeluSigmoidOperator.Alpha, GeluSigmoidOperator.Alpha));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> x)
    {
        x = Clamp(x, SigmoidLimit);
        var alpha = Vector128.Create(GeluSigmoidOperator.Alpha);
        return RootExpansion.Blend<GeluSigmoidRoot>(x, SigmoidDerivative(x, x * alpha, alpha));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x)
    {
        x = Clamp(x, SigmoidLimit);
        var alpha = Vector256.Create(GeluSigmoidOperator.Alpha);
        return RootExpansion.Blend<GeluSigmoidRoot>(x, SigmoidDerivative(x, x * alpha, alpha));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> x)
    {
        x = Clamp(x, SigmoidLimit);
        var alpha = Vector512.Create(GeluSigmoidOperator.Alpha);
        return RootExpansion.Blend<GeluSigmoidRoot>(x, SigmoidDerivative(x, x * alpha, alpha));
    }
}

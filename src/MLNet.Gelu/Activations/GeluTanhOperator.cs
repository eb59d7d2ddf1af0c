using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static MLNet.Gelu.VectorMath;

namespace MLNet.Gelu;

/// <summary>Tanh GELU, <c>½x(1 + tanh u) = x·σ(2u)</c>, u = √(2/π)(x + 0.044715x³), from e^−|2u| (no tanh, no cancellation).</summary>
internal readonly struct GeluTanhOperator : IActivationOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float x)
        => TimesSigmoid(x, x * Fma(x * x, GeluTanhConstants.C3, GeluTanhConstants.C1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> x)
        => TimesSigmoid(x, x * Fma(x * x, Vector128.Create(GeluTanhConstants.C3), Vector128.Create(GeluTanhConstants.C1)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x)
        => TimesSigmoid(x, x * Fma(x * x, Vector256.Create(GeluTanhConstants.C3), Vector256.Create(GeluTanhConstants.C1)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> x)
        => TimesSigmoid(x, x * Fma(x * x, Vector512.Create(GeluTanhConstants.C3), Vector512.Create(GeluTanhConstants.C1)));
}

/// <summary>Derivative of tanh GELU, <c>σ(2u) + x·σ(2u)(1 − σ(2u))·2√(2/π)(1 + 0.134145x²)</c>; near its root <see cref="GeluTanhRoot"/> through <see cref="RootExpansion"/>.</summary>
internal readonly struct GeluTanhDerivativeOperator : IActivationOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float x)
    {
        x = Clamp(x, SigmoidLimit);
        float square = x * x;
        float z = x * Fma(square, GeluTanhConstants.C3, GeluTanhConstants.C1);
        return RootExpansion.Blend<GeluTanhRoot>(x, SigmoidDerivative(x, z, Fma(square, GeluTanhConstants.ThreeC3, GeluTanhConstants.C1)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> x)
    {
        x = Clamp(x, SigmoidLimit);
        var square = x * x;
        var z = x * Fma(square, Vector128.Create(GeluTanhConstants.C3), Vector128.Create(GeluTanhConstants.C1));
        return RootExpansion.Blend<GeluTanhRoot>(x, SigmoidDerivative(x, z, Fma(square, Vector128.Create(GeluTanhConstants.ThreeC3), Vector128.Create(GeluTanhConstants.C1))));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x)
    {
        x = Clamp(x, SigmoidLimit);
        var square = x * x;
        var z = x * Fma(square, Vector256.Create(GeluTanhConstants.C3), Vector256.Create(GeluTanhConstants.C1));
        return RootExpansion.Blend<GeluTanhRoot>(x, SigmoidDerivative(x, z, Fma(square, Vector256.Create(GeluTanhConstants.ThreeC3), Vector256.Create(GeluTanhConstants.C1))));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> x)
    {
        x = Clamp(x, SigmoidLimit);
        var square = x * x;
        var z = x * Fma(square, Vector512.Create(GeluTanhConstants.C3), Vector512.Create(GeluTanhConstants.C1));
        return RootExpansion.Blend<GeluTanhRoot>(x, SigmoidDerivative(x, z, Fma(square, Vector512.Create(GeluTanhConstants.ThreeC3), Vector512.Create(GeluTanhConstants.C1))));
    }
}

internal static class GeluTanhConstants
{
    // z = 2u = 2√(2/π)·(x + 0.044715·x³) = x·(C1 + C3·x²); z′ = C1 + 3·C3·x² = 2√(2/π)·(1 + 0.134145·x²).
    internal const float C1 = 1.5957691216057308f;
    internal const float C3 = 0.07135481627260025f;
    internal const float ThreeC3 = 0.21406444881780076f;
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static MLNet.Gelu.VectorMath;

namespace MLNet.Gelu;

/// <summary>Exact GELU, <c>x·Φ(x)</c>: <c>x ≤ 0 ? x·Q(|x|) : x − x·Q(x)</c> with Q from <see cref="NormalTail"/>; |x| is clamped to 15 (beyond it GELU(x) is x or −0). For x ≤ 0 the 2^64-scaled Q is multiplied by x before scaling back, so that subnormal results are rounded once; for x &gt; 0 one fused multiply-add rounds x − x·Q once (subnormal d gives d/2 exactly rounded).</summary>
internal readonly struct GeluOperator : IActivationOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float x)
    {
        float clamped = Clamp(x, NormalTail.Limit);
        NormalTail.Evaluate(MathF.Abs(clamped), out float ratio, out float core, out float u, out float scale64);
        float q64 = NormalTail.Combine(ratio, core, u, scale64);
        return x <= 0 ? clamped * q64 * TwoToMinus64 : Fma(-clamped, q64 * TwoToMinus64, x);
    }

    /// <summary>Bit-identical to the scalar form: a vector whose every |x| is under <see cref="NormalTail.UnscaledLimit"/> (NaN is not) needs neither the clamp nor the 2^64 scaling, whose removal changes no rounding there because Q and the result stay normal.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> x)
    {
        var a = Vector128.Abs(x);
        Vector128<float> ratio, core, u, scale, q;
        if (Vector128.LessThanAll(a, Vector128.Create(NormalTail.UnscaledLimit)))
        {
            NormalTail.Evaluate(a, RoundToScale, out ratio, out core, out u, out scale);
            q = NormalTail.Combine(ratio, core, u, scale);
            return Vector128.ConditionalSelect(Vector128.LessThanOrEqual(x, Vector128<float>.Zero), x * q, Fma(-x, q, x));
        }

        var limit = Vector128.Create(NormalTail.Limit);
        var clamped = Vector128.MinNative(Vector128.MaxNative(x, -limit), limit);
        NormalTail.Evaluate(Vector128.Abs(clamped), RoundToScale64, out ratio, out core, out u, out scale);
        q = NormalTail.Combine(ratio, core, u, scale);
        var twoToMinus64 = Vector128.Create(TwoToMinus64);
        return Vector128.ConditionalSelect(Vector128.LessThanOrEqual(x, Vector128<float>.Zero), clamped * q * twoToMinus64, Fma(-clamped, q * twoToMinus64, x));
    }

    /// <summary>Bit-identical to the scalar form: a vector whose every |x| is under <see cref="NormalTail.UnscaledLimit"/> (NaN is not) needs neither the clamp nor the 2^64 scaling, whose removal changes no rounding there because Q and the result stay normal.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x)
    {
        var a = Vector256.Abs(x);
        Vector256<float> ratio, core, u, scale, q;
        if (Vector256.LessThanAll(a, Vector256.Create(NormalTail.UnscaledLimit)))
        {
            NormalTail.Evaluate(a, RoundToScale, out ratio, out core, out u, out scale);
            q = NormalTail.Combine(ratio, core, u, scale);
            return Vector256.ConditionalSelect(Vector256.LessThanOrEqual(x, Vector256<float>.Zero), x * q, Fma(-x, q, x));
        }

        var limit = Vector256.Create(NormalTail.Limit);
        var clamped = Vector256.MinNative(Vector256.MaxNative(x, -limit), limit);
        NormalTail.Evaluate(Vector256.Abs(clamped), RoundToScale64, out ratio, out core, out u, out scale);
        q = NormalTail.Combine(ratio, core, u, scale);
        var twoToMinus64 = Vector256.Create(TwoToMinus64);
        return Vector256.ConditionalSelect(Vector256.LessThanOrEqual(x, Vector256<float>.Zero), clamped * q * twoToMinus64, Fma(-clamped, q * twoToMinus64, x));
    }

    /// <summary>Bit-identical to the scalar form: a vector whose every |x| is under <see cref="NormalTail.UnscaledLimit"/> (NaN is not) needs neither the clamp nor the 2^64 scaling, whose removal changes no rounding there because Q and the result stay normal.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> x)
    {
        var a = Vector512.Abs(x);
        Vector512<float> ratio, core, u, scale, q;
        if (Vector512.LessThanAll(a, Vector512.Create(NormalTail.UnscaledLimit)))
        {
            NormalTail.Evaluate(a, RoundToScale, out ratio, out core, out u, out scale);
            q = NormalTail.Combine(ratio, core, u, scale);
            return Vector512.ConditionalSelect(Vector512.LessThanOrEqual(x, Vector512<float>.Zero), x * q, Fma(-x, q, x));
        }

        var limit = Vector512.Create(NormalTail.Limit);
        var clamped = Vector512.MinNative(Vector512.MaxNative(x, -limit), limit);
        NormalTail.Evaluate(Vector512.Abs(clamped), RoundToScale64, out ratio, out core, out u, out scale);
        q = NormalTail.Combine(ratio, core, u, scale);
        var twoToMinus64 = Vector512.Create(TwoToMinus64);
        return Vector512.ConditionalSelect(Vector512.LessThanOrEqual(x, Vector512<float>.Zero), clamped * q * twoToMinus64, Fma(-clamped, q * twoToMinus64, x));
    }
}

/// <summary>Derivative of exact GELU, <c>Φ(x) + x·φ(x)</c>: with D = Q(|x|) − |x|·φ(x), <c>x &lt; 0 ? D : 1 − D</c>; near its root <see cref="GeluRoot"/> through <see cref="RootExpansion"/>.</summary>
internal readonly struct GeluDerivativeOperator : IActivationOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float x)
    {
        float a = MathF.Abs(Clamp(x, NormalTail.Limit));
        NormalTail.Evaluate(a, out float ratio, out float core, out float u, out float scale64);
        float d = NormalTail.Combine(Fma(a, -NormalTail.InvSqrt2Pi, ratio), core, u, scale64) * TwoToMinus64;
        return RootExpansion.Blend<GeluRoot>(x, x < 0 ? d : 1f - d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> x)
    {
        var a = Vector128.Abs(Clamp(x, NormalTail.Limit));
        NormalTail.Evaluate(a, RoundToScale64, out var ratio, out var core, out var u, out var scale64);
        var d = NormalTail.Combine(Fma(a, Vector128.Create(-NormalTail.InvSqrt2Pi), ratio), core, u, scale64) * Vector128.Create(TwoToMinus64);
        return RootExpansion.Blend<GeluRoot>(x, Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128<float>.Zero), d, Vector128<float>.One - d));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x)
    {
        var a = Vector256.Abs(Clamp(x, NormalTail.Limit));
        NormalTail.Evaluate(a, RoundToScale64, out var ratio, out var core, out var u, out var scale64);
        var d = NormalTail.Combine(Fma(a, Vector256.Create(-NormalTail.InvSqrt2Pi), ratio), core, u, scale64) * Vector256.Create(TwoToMinus64);
        return RootExpansion.Blend<GeluRoot>(x, Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), d, Vector256<float>.One - d));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> x)
    {
        var a = Vector512.Abs(Clamp(x, NormalTail.Limit));
        NormalTail.Evaluate(a, RoundToScale64, out var ratio, out var core, out var u, out var scale64);
        var d = NormalTail.Combine(Fma(a, Vector512.Create(-NormalTail.InvSqrt2Pi), ratio), core, u, scale64) * Vector512.Create(TwoToMinus64);
        return RootExpansion.Blend<GeluRoot>(x, Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), d, Vector512<float>.One - d));
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MLNet.Gelu;

/// <summary>
/// The building blocks the activation operators share, once per width (scalar, 128, 256 and 512 bits) with the
/// same operation sequence, so that every path rounds alike. All multiply-adds are fused (one rounding).
/// </summary>
internal static class VectorMath
{
    // Cody–Waite reduction e^w = 2^n·e^r, |r| ≤ ln2/2; n·Ln2Hi is exact for |n| < 2^15.
    internal const float Log2E = 1.44269504f;
    internal const float Ln2Hi = 0.693359375f;
    internal const float Ln2Lo = -2.12194440e-4f;

    // Adding 1.5·2^23 + bias rounds to an integer whose low bits, shifted into the exponent field, give 2^(n+bias−127).
    internal const float RoundToScale = 12583039f;    // bias 127: 2^n
    internal const float RoundToScale64 = 12583103f;  // bias 191: 2^(n+64), normal down to n = −190
    internal const float TwoToMinus64 = 5.421010862427522e-20f;

    // e^r = 1 + r·(1 + r·(E2 + E3·r + E4·r² + E5·r³ + E6·r⁴)) on |r| ≤ ln2/2, relative error 3.1e-9 (fitted, then
    // rounded to float coefficient by coefficient, refitting the rest).
    internal const float E2 = 0.4999999403953552f;
    internal const float E3 = 0.1666652113199234f;
    internal const float E4 = 0.04166838899254799f;
    internal const float E5 = 0.008368714712560177f;
    internal const float E6 = 0.0013814610429108143f;

    // Below this e^w is under half the smallest subnormal float, so Exp returns 0.
    private const float ExpUnderflow = -104f;

    // Below this e^w − 1 rounds to −1; keeps 2^n normal in ExpM1.
    private const float ExpM1Saturation = -87f;

    private const float NegativeInfinityGuard = -1e4f;

    /// <summary>Derivatives of x·σ(z(x)) clamp x to ±this first: σ′ is exactly 0 there and x³ stays finite.</summary>
    internal const float SigmoidLimit = 1e4f;

    // ---- scalar ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Fma(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);

    /// <summary>1 + r·q(r), so that e^r = 1 + r·ExpCore(r) and e^r − 1 = r·ExpCore(r).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float ExpCore(float r)
        => Fma(Fma(Fma(Fma(Fma(E6, r, E5), r, E4), r, E3), r, E2), r, 1f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float ScaleFromRounded(float rounded)
        => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(rounded) << 23);

    /// <summary>e^w for w ≤ 0 (relative error ≈ 1 ulp for normal results, gradual underflow to +0); NaN → NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Exp(float w)
    {
        w = w < ExpUnderflow ? ExpUnderflow : w;
        float rounded = Fma(w, Log2E, RoundToScale64);
        float n = rounded - RoundToScale64;
        float r = Fma(n, -Ln2Hi, w);
        r = Fma(n, -Ln2Lo, r);
        return Fma(ExpCore(r), r, 1f) * ScaleFromRounded(rounded) * TwoToMinus64;
    }

    /// <summary>e^w − 1 for w ≤ 0 without cancellation near 0 (−0 → −0 is not kept; callers keep it); NaN → NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float ExpM1(float w)
    {
        w = w < ExpM1Saturation ? ExpM1Saturation : w;
        float rounded = Fma(w, Log2E, RoundToScale);
        float n = rounded - RoundToScale;
        float r = Fma(n, -Ln2Hi, w);
        r = Fma(n, -Ln2Lo, r);
        float s = ScaleFromRounded(rounded);
        return Fma(s, ExpCore(r) * r, s - 1f);
    }

    /// <summary>x·σ(z) = x/(1 + e^−z) from e = e^−|z| (never overflows); x = −∞ gives −0; NaN in x → NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float TimesSigmoid(float x, float z)
    {
        float e = Exp(-MathF.Abs(z));
        float numerator = z < 0 ? MathF.Max(x, NegativeInfinityGuard) * e : x;
        return numerator / (1f + e);
    }

    /// <summary>σ(z) + g·x·σ(z)(1 − σ(z)) for |x| ≤ 1e4 (the derivative of x·σ(z(x)) with g = z′), from e = e^−|z|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float SigmoidDerivative(float x, float z, float g)
    {
        float e = Exp(-MathF.Abs(z));
        float inverse = 1f / (1f + e);
        float sigmoid = (z < 0 ? e : 1f) * inverse;
        return Fma(g * x * e, inverse * inverse, sigmoid);
    }

    /// <summary>x clamped to [−limit, limit]; NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Clamp(float x, float limit) => x < -limit ? -limit : (x > limit ? limit : x);

    // ---- Vector128 ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Fma(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> ExpCore(Vector128<float> r)
        => Fma(Fma(Fma(Fma(Fma(Vector128.Create(E6), r, Vector128.Create(E5)), r, Vector128.Create(E4)), r, Vector128.Create(E3)), r, Vector128.Create(E2)), r, Vector128<float>.One);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> ScaleFromRounded(Vector128<float> rounded)
        => Vector128.ShiftLeft(rounded.AsInt32(), 23).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Exp(Vector128<float> w)
    {
        var limit = Vector128.Create(ExpUnderflow);
        w = Vector128.ConditionalSelect(Vector128.LessThan(w, limit), limit, w);
        var roundToScale = Vector128.Create(RoundToScale64);
        var rounded = Fma(w, Vector128.Create(Log2E), roundToScale);
        var n = rounded - roundToScale;
        var r = Fma(n, Vector128.Create(-Ln2Hi), w);
        r = Fma(n, Vector128.Create(-Ln2Lo), r);
        return Fma(ExpCore(r), r, Vector128<float>.One) * ScaleFromRounded(rounded) * Vector128.Create(TwoToMinus64);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> ExpM1(Vector128<float> w)
    {
        var limit = Vector128.Create(ExpM1Saturation);
        w = Vector128.ConditionalSelect(Vector128.LessThan(w, limit), limit, w);
        var roundToScale = Vector128.Create(RoundToScale);
        var rounded = Fma(w, Vector128.Create(Log2E), roundToScale);
        var n = rounded - roundToScale;
        var r = Fma(n, Vector128.Create(-Ln2Hi), w);
        r = Fma(n, Vector128.Create(-Ln2Lo), r);
        var s = ScaleFromRounded(rounded);
        return Fma(s, ExpCore(r) * r, s - Vector128<float>.One);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> TimesSigmoid(Vector128<float> x, Vector128<float> z)
    {
        var e = Exp(-Vector128.Abs(z));
        var negative = Vector128.LessThan(z, Vector128<float>.Zero);
        var numerator = Vector128.ConditionalSelect(negative, Vector128.MaxNative(x, Vector128.Create(NegativeInfinityGuard)) * e, x);
        return numerator / (Vector128<float>.One + e);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> SigmoidDerivative(Vector128<float> x, Vector128<float> z, Vector128<float> g)
    {
        var e = Exp(-Vector128.Abs(z));
        var inverse = Vector128<float>.One / (Vector128<float>.One + e);
        var sigmoid = Vector128.ConditionalSelect(Vector128.LessThan(z, Vector128<float>.Zero), e, Vector128<float>.One) * inverse;
        return Fma(g * x * e, inverse * inverse, sigmoid);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Clamp(Vector128<float> x, float limit)
    {
        var high = Vector128.Create(limit);
        var low = Vector128.Create(-limit);
        x = Vector128.ConditionalSelect(Vector128.LessThan(x, low), low, x);
        return Vector128.ConditionalSelect(Vector128.GreaterThan(x, high), high, x);
    }

    // ---- Vector256 ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> ExpCore(Vector256<float> r)
        => Fma(Fma(Fma(Fma(Fma(Vector256.Create(E6), r, Vector256.Create(E5)), r, Vector256.Create(E4)), r, Vector256.Create(E3)), r, Vector256.Create(E2)), r, Vector256<float>.One);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> ScaleFromRounded(Vector256<float> rounded)
        => Vector256.ShiftLeft(rounded.AsInt32(), 23).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Exp(Vector256<float> w)
    {
        var limit = Vector256.Create(ExpUnderflow);
        w = Vector256.ConditionalSelect(Vector256.LessThan(w, limit), limit, w);
        var roundToScale = Vector256.Create(RoundToScale64);
        var rounded = Fma(w, Vector256.Create(Log2E), roundToScale);
        var n = rounded - roundToScale;
        var r = Fma(n, Vector256.Create(-Ln2Hi), w);
        r = Fma(n, Vector256.Create(-Ln2Lo), r);
        return Fma(ExpCore(r), r, Vector256<float>.One) * ScaleFromRounded(rounded) * Vector256.Create(TwoToMinus64);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> ExpM1(Vector256<float> w)
    {
        var limit = Vector256.Create(ExpM1Saturation);
        w = Vector256.ConditionalSelect(Vector256.LessThan(w, limit), limit, w);
        var roundToScale = Vector256.Create(RoundToScale);
        var rounded = Fma(w, Vector256.Create(Log2E), roundToScale);
        var n = rounded - roundToScale;
        var r = Fma(n, Vector256.Create(-Ln2Hi), w);
        r = Fma(n, Vector256.Create(-Ln2Lo), r);
        var s = ScaleFromRounded(rounded);
        return Fma(s, ExpCore(r) * r, s - Vector256<float>.One);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> TimesSigmoid(Vector256<float> x, Vector256<float> z)
    {
        var e = Exp(-Vector256.Abs(z));
        var negative = Vector256.LessThan(z, Vector256<float>.Zero);
        var numerator = Vector256.ConditionalSelect(negative, Vector256.MaxNative(x, Vector256.Create(NegativeInfinityGuard)) * e, x);
        return numerator / (Vector256<float>.One + e);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> SigmoidDerivative(Vector256<float> x, Vector256<float> z, Vector256<float> g)
    {
        var e = Exp(-Vector256.Abs(z));
        var inverse = Vector256<float>.One / (Vector256<float>.One + e);
        var sigmoid = Vector256.ConditionalSelect(Vector256.LessThan(z, Vector256<float>.Zero), e, Vector256<float>.One) * inverse;
        return Fma(g * x * e, inverse * inverse, sigmoid);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Clamp(Vector256<float> x, float limit)
    {
        var high = Vector256.Create(limit);
        var low = Vector256.Create(-limit);
        x = Vector256.ConditionalSelect(Vector256.LessThan(x, low), low, x);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(x, high), high, x);
    }

    // ---- Vector512 ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> ExpCore(Vector512<float> r)
        => Fma(Fma(Fma(Fma(Fma(Vector512.Create(E6), r, Vector512.Create(E5)), r, Vector512.Create(E4)), r, Vector512.Create(E3)), r, Vector512.Create(E2)), r, Vector512<float>.One);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> ScaleFromRounded(Vector512<float> rounded)
        => Vector512.ShiftLeft(rounded.AsInt32(), 23).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Exp(Vector512<float> w)
    {
        var limit = Vector512.Create(ExpUnderflow);
        w = Vector512.ConditionalSelect(Vector512.LessThan(w, limit), limit, w);
        var roundToScale = Vector512.Create(RoundToScale64);
        var rounded = Fma(w, Vector512.Create(Log2E), roundToScale);
        var n = rounded - roundToScale;
        var r = Fma(n, Vector512.Create(-Ln2Hi), w);
        r = Fma(n, Vector512.Create(-Ln2Lo), r);
        return Fma(ExpCore(r), r, Vector512<float>.One) * ScaleFromRounded(rounded) * Vector512.Create(TwoToMinus64);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> ExpM1(Vector512<float> w)
    {
        var limit = Vector512.Create(ExpM1Saturation);
        w = Vector512.ConditionalSelect(Vector512.LessThan(w, limit), limit, w);
        var roundToScale = Vector512.Create(RoundToScale);
        var rounded = Fma(w, Vector512.Create(Log2E), roundToScale);
        var n = rounded - roundToScale;
        var r = Fma(n, Vector512.Create(-Ln2Hi), w);
        r = Fma(n, Vector512.Create(-Ln2Lo), r);
        var s = ScaleFromRounded(rounded);
        return Fma(s, ExpCore(r) * r, s - Vector512<float>.One);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> TimesSigmoid(Vector512<float> x, Vector512<float> z)
    {
        var e = Exp(-Vector512.Abs(z));
        var negative = Vector512.LessThan(z, Vector512<float>.Zero);
        var numerator = Vector512.ConditionalSelect(negative, Vector512.MaxNative(x, Vector512.Create(NegativeInfinityGuard)) * e, x);
        return numerator / (Vector512<float>.One + e);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> SigmoidDerivative(Vector512<float> x, Vector512<float> z, Vector512<float> g)
    {
        var e = Exp(-Vector512.Abs(z));
        var inverse = Vector512<float>.One / (Vector512<float>.One + e);
        var sigmoid = Vector512.ConditionalSelect(Vector512.LessThan(z, Vector512<float>.Zero), e, Vector512<float>.One) * inverse;
        return Fma(g * x * e, inverse * inverse, sigmoid);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Clamp(Vector512<float> x, float limit)
    {
        var high = Vector512.Create(limit);
        var low = Vector512.Create(-limit);
        x = Vector512.ConditionalSelect(Vector512.LessThan(x, low), low, x);
        return Vector512.ConditionalSelect(Vector512.GreaterThan(x, high), high, x);
    }
}

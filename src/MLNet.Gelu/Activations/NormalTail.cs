using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static MLNet.Gelu.VectorMath;

namespace MLNet.Gelu;

/// <summary>
/// The two factors of the standard normal upper tail Q(a) = ½·erfc(a/√2) = e^(−a²/2)·t·P(t), t = 1/(1 + 0.4·a),
/// for 0 ≤ a ≤ 15, each with relative accuracy (no 1 − erf cancellation), shared by GELU and its derivative. With
/// AVX-512, GELU takes only the Gaussian factor from here and t·P(t) from <see cref="NormalTailTable"/>'s lookups instead.
/// </summary>
/// <remarks>
/// P is a degree-9 polynomial fitted (Lawson iteration to the relative minimax, 30 digits) to Q(a)·e^(a²/2)/t for a in [0, 13.6] (relative
/// minimax error 1.5e-8), its coefficients rounded to float one at a time from the highest, refitting the rest;
/// P(1) = 0.5 exactly in float, so Q(0) = ½. t = 1/(1 + 0.4·a) is used as rounded (d and t each round once): carrying
/// their rounding errors would cost four multiply-adds; without them GELU's worst relative error is 3.86e-7 (every float checked), inside its 4e-7 bound. The exponent −a²/2 is carried as
/// hi + lo (lo from a fused multiply-add) so that its rounding (a²·2⁻²⁴, 5e-6 at a = 13) does not reach the result.
/// The Gaussian factor is returned scaled by 2^64, so that it stays normal down to e^(−112.5) and the caller
/// decides where to scale back (after multiplying by x, so that subnormal GELU values round once).
/// </remarks>
internal static class NormalTail
{
    internal const float Limit = 15f;
    internal const float InvSqrt2Pi = 0.3989422804014327f;
    private const float K = 0.4f;
    private const float MinusHalfLog2E = -0.5f * Log2E;
    private const float P0 = 0.15957657992839813f;
    private const float P1 = 0.1596134901046753f;
    private const float P2 = 0.13326027989387512f;
    private const float P3 = 0.09076060354709625f;
    private const float P4 = -0.025163166224956512f;
    private const float P5 = 0.1163547933101654f;
    private const float P6 = -0.37026673555374146f;
    private const float P7 = 0.3794867992401123f;
    private const float P8 = -0.17561672627925873f;
    private const float P9 = 0.03199409320950508f;

    // u = 2r: e^r = 1 + r·ExpCore(r) = 1 + u·H(u) with H(u) = ½·ExpCore(u/2); scaling every coefficient by a power
    // of two keeps each rounding of the Horner steps, so H is exactly ½·ExpCore and the ½·a² needs no multiply.
    private const float H2 = E2 / 4f;
    private const float H3 = E3 / 8f;
    private const float H4 = E4 / 16f;
    private const float H5 = E5 / 32f;
    private const float H6 = E6 / 64f;
    private const float MinusTwoLn2Hi = -2f * Ln2Hi;
    private const float MinusTwoLn2Lo = -2f * Ln2Lo;

    /// <summary>Below this a the Gaussian factor e^(−a²/2) and Q(a) stay normal floats (Q(12) = 1.8e-33), so callers may skip the 2^64 scaling (see <see cref="GeluOperator"/>).</summary>
    internal const float UnscaledLimit = 12f;

    /// <summary>
    /// Rounding constant with exponent bias 0: the scale Evaluate returns is then n·2^23 as integer bits, to add to the
    /// exponent field of a normal result
    /// (<see cref="CombineExponent(Vector512{float}, Vector512{float}, Vector512{float}, Vector512{float})"/>).
    /// </summary>
    internal const float RoundToExponent = 12582912f;

    /// <summary>
    /// For a in [0, <see cref="Limit"/>]: <paramref name="ratio"/> = m·t·P(t), formed as m·(t·P(t)) (m/d instead was
    /// 0.2e-7 more accurate but slower: a second division costs more than a multiply here) and
    /// e^(−a²/2)·2^64 = (1 + u·core)·scale64 (u = 2r, core = ½·ExpCore(r)),
    /// so that m·Q(a)·2^64 = <see cref="Combine(float, float, float, float)"/>(ratio, core, u, scale64).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Evaluate(float a, float m, out float ratio, out float core, out float u, out float scale64)
    {
        float d = Fma(a, K, 1f);
        float t = 1f / d;
        float p = Fma(Fma(Fma(Fma(Fma(Fma(Fma(Fma(Fma(P9, t, P8), t, P7), t, P6), t, P5), t, P4), t, P3), t, P2), t, P1), t, P0);
        ratio = m * (t * p);
        Gaussian(a, out core, out u, out scale64);
    }

    /// <summary>e^(−a²/2)·2^64 = (1 + u·core)·scale64 (u = 2r, core = ½·ExpCore(r)), the exponent carried as hi + lo.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Gaussian(float a, out float core, out float u, out float scale64)
    {
        float hi = a * a;
        float lo = Fma(a, a, -hi);
        float rounded = Fma(hi, MinusHalfLog2E, RoundToScale64);
        float n = rounded - RoundToScale64;
        u = Fma(n, MinusTwoLn2Hi, -hi);
        u = Fma(n, MinusTwoLn2Lo, u);
        u -= lo;
        core = Fma(Fma(Fma(Fma(Fma(H6, u, H5), u, H4), u, H3), u, H2), u, 0.5f);
        scale64 = ScaleFromRounded(rounded);
    }

    /// <summary>m·e^(−a²/2)·2^64 = (m + (m·core)·u)·scale64: m joins before the last rounding of e^r.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Combine(float m, float core, float u, float scale64) => Fma(m * core, u, m) * scale64;

    /// <summary>
    /// As the scalar form; <paramref name="roundToScale"/> is <see cref="VectorMath.RoundToScale64"/> (scale 2^(n+64)) or,
    /// when every a is under <see cref="UnscaledLimit"/>, <see cref="RoundToExponent"/> (scale n·2^23 as integer bits).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Evaluate(
        Vector128<float> a, Vector128<float> m, float roundToScale,
        out Vector128<float> ratio, out Vector128<float> core, out Vector128<float> u, out Vector128<float> scale)
    {
        var k = Vector128.Create(K);
        var one = Vector128<float>.One;
        var d = Fma(a, k, one);
        var t = one / d;
        var p = Fma(Fma(Fma(Fma(Fma(Fma(Fma(Fma(Fma(
            Vector128.Create(P9), t, Vector128.Create(P8)), t, Vector128.Create(P7)), t, Vector128.Create(P6)), t,
            Vector128.Create(P5)), t, Vector128.Create(P4)), t, Vector128.Create(P3)), t,
            Vector128.Create(P2)), t, Vector128.Create(P1)), t, Vector128.Create(P0));
        ratio = m * (t * p);
        Gaussian(a, roundToScale, out core, out u, out scale);
    }

    /// <summary>e^(−a²/2) = (1 + u·core)·scale, as the scalar form, with the scale <paramref name="roundToScale"/> makes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Gaussian(Vector128<float> a, float roundToScale, out Vector128<float> core, out Vector128<float> u, out Vector128<float> scale)
    {
        var hi = a * a;
        var lo = Fma(a, a, -hi);
        var roundTo = Vector128.Create(roundToScale);
        var rounded = Fma(hi, Vector128.Create(MinusHalfLog2E), roundTo);
        var n = rounded - roundTo;
        u = Fma(n, Vector128.Create(MinusTwoLn2Hi), -hi);
        u = Fma(n, Vector128.Create(MinusTwoLn2Lo), u);
        u -= lo;
        core = Fma(Fma(Fma(Fma(Fma(Vector128.Create(H6), u, Vector128.Create(H5)), u, Vector128.Create(H4)), u, Vector128.Create(H3)), u, Vector128.Create(H2)), u, Vector128.Create(0.5f));
        scale = ScaleFromRounded(rounded);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Combine(Vector128<float> m, Vector128<float> core, Vector128<float> u, Vector128<float> scale) => Fma(m * core, u, m) * scale;

    /// <summary>
    /// m·e^(−a²/2) from a scale made with <see cref="RoundToExponent"/>, adding n to the exponent field (one integer add
    /// instead of a multiply); exact where every result is a normal float.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> CombineExponent(Vector128<float> m, Vector128<float> core, Vector128<float> u, Vector128<float> exponent)
        => (Fma(m * core, u, m).AsInt32() + exponent.AsInt32()).AsSingle();

    /// <summary>
    /// As the scalar form; <paramref name="roundToScale"/> is <see cref="VectorMath.RoundToScale64"/> (scale 2^(n+64)) or,
    /// when every a is under <see cref="UnscaledLimit"/>, <see cref="RoundToExponent"/> (scale n·2^23 as integer bits).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Evaluate(
        Vector256<float> a, Vector256<float> m, float roundToScale,
        out Vector256<float> ratio, out Vector256<float> core, out Vector256<float> u, out Vector256<float> scale)
    {
        var k = Vector256.Create(K);
        var one = Vector256<float>.One;
        var d = Fma(a, k, one);
        var t = one / d;
        var p = Fma(Fma(Fma(Fma(Fma(Fma(Fma(Fma(Fma(
            Vector256.Create(P9), t, Vector256.Create(P8)), t, Vector256.Create(P7)), t, Vector256.Create(P6)), t,
            Vector256.Create(P5)), t, Vector256.Create(P4)), t, Vector256.Create(P3)), t,
            Vector256.Create(P2)), t, Vector256.Create(P1)), t, Vector256.Create(P0));
        ratio = m * (t * p);
        Gaussian(a, roundToScale, out core, out u, out scale);
    }

    /// <summary>e^(−a²/2) = (1 + u·core)·scale, as the scalar form, with the scale <paramref name="roundToScale"/> makes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Gaussian(Vector256<float> a, float roundToScale, out Vector256<float> core, out Vector256<float> u, out Vector256<float> scale)
    {
        var hi = a * a;
        var lo = Fma(a, a, -hi);
        var roundTo = Vector256.Create(roundToScale);
        var rounded = Fma(hi, Vector256.Create(MinusHalfLog2E), roundTo);
        var n = rounded - roundTo;
        u = Fma(n, Vector256.Create(MinusTwoLn2Hi), -hi);
        u = Fma(n, Vector256.Create(MinusTwoLn2Lo), u);
        u -= lo;
        core = Fma(Fma(Fma(Fma(Fma(Vector256.Create(H6), u, Vector256.Create(H5)), u, Vector256.Create(H4)), u, Vector256.Create(H3)), u, Vector256.Create(H2)), u, Vector256.Create(0.5f));
        scale = ScaleFromRounded(rounded);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Combine(Vector256<float> m, Vector256<float> core, Vector256<float> u, Vector256<float> scale) => Fma(m * core, u, m) * scale;

    /// <summary>
    /// m·e^(−a²/2) from a scale made with <see cref="RoundToExponent"/>, adding n to the exponent field (one integer add
    /// instead of a multiply); exact where every result is a normal float.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> CombineExponent(Vector256<float> m, Vector256<float> core, Vector256<float> u, Vector256<float> exponent)
        => (Fma(m * core, u, m).AsInt32() + exponent.AsInt32()).AsSingle();

    /// <summary>
    /// As the scalar form; <paramref name="roundToScale"/> is <see cref="VectorMath.RoundToScale64"/> (scale 2^(n+64)) or,
    /// when every a is under <see cref="UnscaledLimit"/>, <see cref="RoundToExponent"/> (scale n·2^23 as integer bits).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Evaluate(
        Vector512<float> a, Vector512<float> m, float roundToScale,
        out Vector512<float> ratio, out Vector512<float> core, out Vector512<float> u, out Vector512<float> scale)
    {
        var k = Vector512.Create(K);
        var one = Vector512<float>.One;
        var d = Fma(a, k, one);
        var t = one / d;
        var p = Fma(Fma(Fma(Fma(Fma(Fma(Fma(Fma(Fma(
            Vector512.Create(P9), t, Vector512.Create(P8)), t, Vector512.Create(P7)), t, Vector512.Create(P6)), t,
            Vector512.Create(P5)), t, Vector512.Create(P4)), t, Vector512.Create(P3)), t,
            Vector512.Create(P2)), t, Vector512.Create(P1)), t, Vector512.Create(P0));
        ratio = m * (t * p);
        Gaussian(a, roundToScale, out core, out u, out scale);
    }

    /// <summary>e^(−a²/2) = (1 + u·core)·scale, as the scalar form, with the scale <paramref name="roundToScale"/> makes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Gaussian(Vector512<float> a, float roundToScale, out Vector512<float> core, out Vector512<float> u, out Vector512<float> scale)
    {
        var hi = a * a;
        var lo = Fma(a, a, -hi);
        var roundTo = Vector512.Create(roundToScale);
        var rounded = Fma(hi, Vector512.Create(MinusHalfLog2E), roundTo);
        var n = rounded - roundTo;
        u = Fma(n, Vector512.Create(MinusTwoLn2Hi), -hi);
        u = Fma(n, Vector512.Create(MinusTwoLn2Lo), u);
        u -= lo;
        core = Fma(Fma(Fma(Fma(Fma(Vector512.Create(H6), u, Vector512.Create(H5)), u, Vector512.Create(H4)), u, Vector512.Create(H3)), u, Vector512.Create(H2)), u, Vector512.Create(0.5f));
        scale = ScaleFromRounded(rounded);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Combine(Vector512<float> m, Vector512<float> core, Vector512<float> u, Vector512<float> scale) => Fma(m * core, u, m) * scale;

    /// <summary>
    /// m·e^(−a²/2) from a scale made with <see cref="RoundToExponent"/>, adding n to the exponent field (one integer add
    /// instead of a multiply); exact where every result is a normal float.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> CombineExponent(Vector512<float> m, Vector512<float> core, Vector512<float> u, Vector512<float> exponent)
        => (Fma(m * core, u, m).AsInt32() + exponent.AsInt32()).AsSingle();
}

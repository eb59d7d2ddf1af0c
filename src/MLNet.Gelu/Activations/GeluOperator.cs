using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static MLNet.Gelu.VectorMath;

namespace MLNet.Gelu;

/// <summary>
/// Exact GELU, <c>x·Φ(x)</c>: with v = x·S(|x|)·e^(−x²/2) (S = Q·e^(a²/2) from <see cref="NormalTailTable"/>, the Gaussian factor from
/// <see cref="NormalTail.Gaussian(float, out float, out float, out float)"/>, x joining before it), <c>x ≤ 0 ? v : x − v</c>;
/// |x| is clamped to 15 (beyond it GELU(x) is x or −0) and |x| under 2^-100 (±0 and subnormals included) gives x/2, rounded
/// once. v is formed scaled by 2^64 and scaled back last, so that subnormal results are rounded once; a vector whose every |x|
/// lies in [2^-100, 12) needs neither the clamp nor the scaling, and skipping them there changes no rounding (every value
/// stays normal), so all paths agree bit for bit. Without AVX-512, whose permutes do the table lookups, every path runs
/// <see cref="GeluDivisionOperator"/> instead (same bound, one division and a longer polynomial).
/// </summary>
internal readonly struct GeluOperator : IActivationOperator
{
    internal const float Tiny = 7.888609052210118e-31f; // 2^-100
    internal const uint TinyBits = 0x0D800000u;
    internal const uint UnscaledBitsRange = 0x41400000u - TinyBits; // bits of NormalTail.UnscaledLimit (12) minus bits of 2^-100

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float x)
    {
        if (!Avx512F.IsSupported)
        {
            return GeluDivisionOperator.Invoke(x);
        }

        float clamped = Clamp(x, NormalTail.Limit);
        float a = MathF.Abs(clamped);
        float ratio = clamped * NormalTailTable.Evaluate(a);
        NormalTail.Gaussian(a, out float core, out float u, out float scale64);
        float v64 = NormalTail.Combine(ratio, core, u, scale64);
        float y = x <= 0 ? v64 * TwoToMinus64 : Fma(v64, -TwoToMinus64, x);
        return MathF.Abs(x) < Tiny ? x * 0.5f : y;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> x)
    {
        if (!Avx512F.IsSupported)
        {
            return GeluDivisionOperator.Invoke(x);
        }

        var a = Vector128.Abs(x);
        Vector128<float> core, u, scale, v;
        if (Vector128.LessThanAll(a.AsUInt32() - Vector128.Create(TinyBits), Vector128.Create(UnscaledBitsRange)))
        {
            var ratio = x * NormalTailTable.Evaluate(a);
            NormalTail.Gaussian(a, NormalTail.RoundToExponent, out core, out u, out scale);
            v = NormalTail.CombineExponent(ratio, core, u, scale);
            return Vector128.ConditionalSelect(Vector128.LessThanOrEqual(x, Vector128<float>.Zero), v, x - v);
        }

        var limit = Vector128.Create(NormalTail.Limit);
        var clamped = Vector128.MinNative(Vector128.MaxNative(x, -limit), limit);
        var clampedAbs = Vector128.Abs(clamped);
        var clampedRatio = clamped * NormalTailTable.Evaluate(clampedAbs);
        NormalTail.Gaussian(clampedAbs, RoundToScale64, out core, out u, out scale);
        v = NormalTail.Combine(clampedRatio, core, u, scale);
        var twoToMinus64 = Vector128.Create(TwoToMinus64);
        var y = Vector128.ConditionalSelect(Vector128.LessThanOrEqual(x, Vector128<float>.Zero), v * twoToMinus64, Fma(v, -twoToMinus64, x));
        return Vector128.ConditionalSelect(Vector128.LessThan(a, Vector128.Create(Tiny)), x * Vector128.Create(0.5f), y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x)
    {
        if (!Avx512F.IsSupported)
        {
            return GeluDivisionOperator.Invoke(x);
        }

        var a = Vector256.Abs(x);
        Vector256<float> core, u, scale, v;
        if (Vector256.LessThanAll(a.AsUInt32() - Vector256.Create(TinyBits), Vector256.Create(UnscaledBitsRange)))
        {
            var ratio = x * NormalTailTable.Evaluate(a);
            NormalTail.Gaussian(a, NormalTail.RoundToExponent, out core, out u, out scale);
            v = NormalTail.CombineExponent(ratio, core, u, scale);
            return Vector256.ConditionalSelect(Vector256.LessThanOrEqual(x, Vector256<float>.Zero), v, x - v);
        }

        var limit = Vector256.Create(NormalTail.Limit);
        var clamped = Vector256.MinNative(Vector256.MaxNative(x, -limit), limit);
        var clampedAbs = Vector256.Abs(clamped);
        var clampedRatio = clamped * NormalTailTable.Evaluate(clampedAbs);
        NormalTail.Gaussian(clampedAbs, RoundToScale64, out core, out u, out scale);
        v = NormalTail.Combine(clampedRatio, core, u, scale);
        var twoToMinus64 = Vector256.Create(TwoToMinus64);
        var y = Vector256.ConditionalSelect(Vector256.LessThanOrEqual(x, Vector256<float>.Zero), v * twoToMinus64, Fma(v, -twoToMinus64, x));
        return Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256.Create(Tiny)), x * Vector256.Create(0.5f), y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> x)
    {
        if (!Avx512F.IsSupported)
        {
            return GeluDivisionOperator.Invoke(x);
        }

        var a = Vector512.Abs(x);
        Vector512<float> core, u, scale, v;
        if (Vector512.LessThanAll(a.AsUInt32() - Vector512.Create(TinyBits), Vector512.Create(UnscaledBitsRange)))
        {
            var ratio = x * NormalTailTable.Evaluate(a);
            NormalTail.Gaussian(a, NormalTail.RoundToExponent, out core, out u, out scale);
            v = NormalTail.CombineExponent(ratio, core, u, scale);
            return Vector512.ConditionalSelect(Vector512.LessThanOrEqual(x, Vector512<float>.Zero), v, x - v);
        }

        var limit = Vector512.Create(NormalTail.Limit);
        var clamped = Vector512.MinNative(Vector512.MaxNative(x, -limit), limit);
        var clampedAbs = Vector512.Abs(clamped);
        var clampedRatio = clamped * NormalTailTable.Evaluate(clampedAbs);
        NormalTail.Gaussian(clampedAbs, RoundToScale64, out core, out u, out scale);
        v = NormalTail.Combine(clampedRatio, core, u, scale);
        var twoToMinus64 = Vector512.Create(TwoToMinus64);
        var y = Vector512.ConditionalSelect(Vector512.LessThanOrEqual(x, Vector512<float>.Zero), v * twoToMinus64, Fma(v, -twoToMinus64, x));
        return Vector512.ConditionalSelect(Vector512.LessThan(a, Vector512.Create(Tiny)), x * Vector512.Create(0.5f), y);
    }
}

/// <summary>
/// Derivative of exact GELU, <c>Φ(x) + x·φ(x)</c>: with D = Q(|x|) − |x|·φ(x), <c>x &lt; 0 ? D : 1 − D</c>; near its root
/// <see cref="GeluRoot"/> through <see cref="RootExpansion"/>.
/// </summary>
internal readonly struct GeluDerivativeOperator : IActivationOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float x)
    {
        float a = MathF.Abs(Clamp(x, NormalTail.Limit));
        NormalTail.Evaluate(a, 1f, out float ratio, out float core, out float u, out float scale64);
        float d = NormalTail.Combine(Fma(a, -NormalTail.InvSqrt2Pi, ratio), core, u, scale64) * TwoToMinus64;
        return RootExpansion.Blend<GeluRoot>(x, x < 0 ? d : 1f - d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> x)
    {
        var a = Vector128.Abs(Clamp(x, NormalTail.Limit));
        NormalTail.Evaluate(a, Vector128<float>.One, RoundToScale64, out var ratio, out var core, out var u, out var scale64);
        var d = NormalTail.Combine(Fma(a, Vector128.Create(-NormalTail.InvSqrt2Pi), ratio), core, u, scale64) * Vector128.Create(TwoToMinus64);
        return RootExpansion.Blend<GeluRoot>(x, Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128<float>.Zero), d, Vector128<float>.One - d));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x)
    {
        var a = Vector256.Abs(Clamp(x, NormalTail.Limit));
        NormalTail.Evaluate(a, Vector256<float>.One, RoundToScale64, out var ratio, out var core, out var u, out var scale64);
        var d = NormalTail.Combine(Fma(a, Vector256.Create(-NormalTail.InvSqrt2Pi), ratio), core, u, scale64) * Vector256.Create(TwoToMinus64);
        return RootExpansion.Blend<GeluRoot>(x, Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), d, Vector256<float>.One - d));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> x)
    {
        var a = Vector512.Abs(Clamp(x, NormalTail.Limit));
        NormalTail.Evaluate(a, Vector512<float>.One, RoundToScale64, out var ratio, out var core, out var u, out var scale64);
        var d = NormalTail.Combine(Fma(a, Vector512.Create(-NormalTail.InvSqrt2Pi), ratio), core, u, scale64) * Vector512.Create(TwoToMinus64);
        return RootExpansion.Blend<GeluRoot>(x, Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), d, Vector512<float>.One - d));
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static MLNet.Gelu.VectorMath;

namespace MLNet.Gelu;

/// <summary>
/// Exact GELU as <see cref="GeluOperator"/> runs it without AVX-512: with v = x·Q(|x|) from <see cref="NormalTail"/> (t·P(t), one division) (x joining before the Gaussian factor),
/// <c>x ≤ 0 ? v : x − v</c>; |x| is clamped to 15 (beyond it GELU(x) is x or −0) and |x| under 2^-100 (±0 and subnormals
/// included) gives x/2, rounded once. v is formed scaled by 2^64 and scaled back last, so that subnormal results are
/// rounded once; a vector whose every |x| lies in [2^-100, 12) needs neither the clamp nor the scaling, and skipping them
/// there changes no rounding (every value stays normal), so all paths agree bit for bit.
/// </summary>
internal readonly struct GeluDivisionOperator : IActivationOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float x)
    {
        float clamped = Clamp(x, NormalTail.Limit);
        NormalTail.Evaluate(MathF.Abs(clamped), clamped, out float xRatio, out float core, out float u, out float scale64);
        float v64 = NormalTail.Combine(xRatio, core, u, scale64);
        float y = x <= 0 ? v64 * TwoToMinus64 : Fma(v64, -TwoToMinus64, x);
        return MathF.Abs(x) < GeluOperator.Tiny ? x * 0.5f : y;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> x)
    {
        var a = Vector128.Abs(x);
        Vector128<float> ratio, core, u, scale, v;
        if (Vector128.LessThanAll(a.AsUInt32() - Vector128.Create(GeluOperator.TinyBits), Vector128.Create(GeluOperator.UnscaledBitsRange)))
        {
            NormalTail.Evaluate(a, x, NormalTail.RoundToExponent, out ratio, out core, out u, out scale);
            v = NormalTail.CombineExponent(ratio, core, u, scale);
            return Vector128.ConditionalSelect(Vector128.LessThanOrEqual(x, Vector128<float>.Zero), v, x - v);
        }

        var limit = Vector128.Create(NormalTail.Limit);
        var clamped = Vector128.MinNative(Vector128.MaxNative(x, -limit), limit);
        NormalTail.Evaluate(Vector128.Abs(clamped), clamped, RoundToScale64, out ratio, out core, out u, out scale);
        v = NormalTail.Combine(ratio, core, u, scale);
        var twoToMinus64 = Vector128.Create(TwoToMinus64);
        var y = Vector128.ConditionalSelect(Vector128.LessThanOrEqual(x, Vector128<float>.Zero), v * twoToMinus64, Fma(v, -twoToMinus64, x));
        return Vector128.ConditionalSelect(Vector128.LessThan(a, Vector128.Create(GeluOperator.Tiny)), x * Vector128.Create(0.5f), y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x)
    {
        var a = Vector256.Abs(x);
        Vector256<float> ratio, core, u, scale, v;
        if (Vector256.LessThanAll(a.AsUInt32() - Vector256.Create(GeluOperator.TinyBits), Vector256.Create(GeluOperator.UnscaledBitsRange)))
        {
            NormalTail.Evaluate(a, x, NormalTail.RoundToExponent, out ratio, out core, out u, out scale);
            v = NormalTail.CombineExponent(ratio, core, u, scale);
            return Vector256.ConditionalSelect(Vector256.LessThanOrEqual(x, Vector256<float>.Zero), v, x - v);
        }

        var limit = Vector256.Create(NormalTail.Limit);
        var clamped = Vector256.MinNative(Vector256.MaxNative(x, -limit), limit);
        NormalTail.Evaluate(Vector256.Abs(clamped), clamped, RoundToScale64, out ratio, out core, out u, out scale);
        v = NormalTail.Combine(ratio, core, u, scale);
        var twoToMinus64 = Vector256.Create(TwoToMinus64);
        var y = Vector256.ConditionalSelect(Vector256.LessThanOrEqual(x, Vector256<float>.Zero), v * twoToMinus64, Fma(v, -twoToMinus64, x));
        return Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256.Create(GeluOperator.Tiny)), x * Vector256.Create(0.5f), y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> x)
    {
        var a = Vector512.Abs(x);
        Vector512<float> ratio, core, u, scale, v;
        if (Vector512.LessThanAll(a.AsUInt32() - Vector512.Create(GeluOperator.TinyBits), Vector512.Create(GeluOperator.UnscaledBitsRange)))
        {
            NormalTail.Evaluate(a, x, NormalTail.RoundToExponent, out ratio, out core, out u, out scale);
            v = NormalTail.CombineExponent(ratio, core, u, scale);
            return Vector512.ConditionalSelect(Vector512.LessThanOrEqual(x, Vector512<float>.Zero), v, x - v);
        }

        var limit = Vector512.Create(NormalTail.Limit);
        var clamped = Vector512.MinNative(Vector512.MaxNative(x, -limit), limit);
        NormalTail.Evaluate(Vector512.Abs(clamped), clamped, RoundToScale64, out ratio, out core, out u, out scale);
        v = NormalTail.Combine(ratio, core, u, scale);
        var twoToMinus64 = Vector512.Create(TwoToMinus64);
        var y = Vector512.ConditionalSelect(Vector512.LessThanOrEqual(x, Vector512<float>.Zero), v * twoToMinus64, Fma(v, -twoToMinus64, x));
        return Vector512.ConditionalSelect(Vector512.LessThan(a, Vector512.Create(GeluOperator.Tiny)), x * Vector512.Create(0.5f), y);
    }
}


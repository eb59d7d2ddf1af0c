using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static MLNet.Gelu.VectorMath;

namespace MLNet.Gelu;

/// <summary>
/// Replaces a derivative near its root x0 by <c>t·g(t)</c>, t = (x − x0.High) − x0.Low (x − High is exact by
/// Sterbenz's lemma, so t carries one rounding), g the degree-4 fit of an <see cref="IDerivativeRoot"/>. The general
/// formula is a difference of terms near 0.3 there, whose float rounding (≈ 4e‑8) is a relative error of 4e‑4 at
/// |f′| = 1e‑4; t·g(t) keeps it below 1e‑6. Lanes with |t| ≤ <see cref="HalfWidth"/> take t·g(t), the others the
/// general value (a select, no branch); NaN and ±∞ always take the general value.
/// </summary>
internal static class RootExpansion
{
    /// <summary>Half-width of the interval around x0; beyond it |f′| ≥ 0.027 and the general formula is accurate to 2e‑6.</summary>
    internal const float HalfWidth = 0.125f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Blend<TRoot>(float x, float general)
        where TRoot : IDerivativeRoot
    {
        float t = (x - TRoot.High) - TRoot.Low;
        float g = Fma(Fma(Fma(Fma(TRoot.G4, t, TRoot.G3), t, TRoot.G2), t, TRoot.G1), t, TRoot.G0);
        return MathF.Abs(t) <= HalfWidth ? t * g : general;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Blend<TRoot>(Vector128<float> x, Vector128<float> general)
        where TRoot : IDerivativeRoot
    {
        var t = (x - Vector128.Create(TRoot.High)) - Vector128.Create(TRoot.Low);
        var g = Fma(Fma(Fma(Fma(Vector128.Create(TRoot.G4), t, Vector128.Create(TRoot.G3)), t, Vector128.Create(TRoot.G2)), t, Vector128.Create(TRoot.G1)), t, Vector128.Create(TRoot.G0));
        return Vector128.ConditionalSelect(Vector128.LessThanOrEqual(Vector128.Abs(t), Vector128.Create(HalfWidth)), t * g, general);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Blend<TRoot>(Vector256<float> x, Vector256<float> general)
        where TRoot : IDerivativeRoot
    {
        var t = (x - Vector256.Create(TRoot.High)) - Vector256.Create(TRoot.Low);
        var g = Fma(Fma(Fma(Fma(Vector256.Create(TRoot.G4), t, Vector256.Create(TRoot.G3)), t, Vector256.Create(TRoot.G2)), t, Vector256.Create(TRoot.G1)), t, Vector256.Create(TRoot.G0));
        return Vector256.ConditionalSelect(Vector256.LessThanOrEqual(Vector256.Abs(t), Vector256.Create(HalfWidth)), t * g, general);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Blend<TRoot>(Vector512<float> x, Vector512<float> general)
        where TRoot : IDerivativeRoot
    {
        var t = (x - Vector512.Create(TRoot.High)) - Vector512.Create(TRoot.Low);
        var g = Fma(Fma(Fma(Fma(Vector512.Create(TRoot.G4), t, Vector512.Create(TRoot.G3)), t, Vector512.Create(TRoot.G2)), t, Vector512.Create(TRoot.G1)), t, Vector512.Create(TRoot.G0));
        return Vector512.ConditionalSelect(Vector512.LessThanOrEqual(Vector512.Abs(t), Vector512.Create(HalfWidth)), t * g, general);
    }
}

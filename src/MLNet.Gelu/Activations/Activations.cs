namespace MLNet.Gelu;

/// <summary>
/// Element-wise activation functions and their derivatives over spans of <see cref="float"/>, as SIMD kernels
/// (512-, 256- or 128-bit vectors, whichever is the widest accelerated here, with fused multiply-add).
/// </summary>
/// <remarks>
/// <para>Effective computations (σ(z) = 1/(1 + e^−z), Q(a) = ½·erfc(a/√2), u = √(2/π)(x + 0.044715x³)):</para>
/// <list type="table">
/// <listheader><term>activation</term><description>f(x); f′(x); error of f against the formula in double (tested bound, measured maximum)</description></listheader>
/// <item><term><see cref="Activation.Gelu"/></term><description><c>x ≤ 0 ? x·Q(−x) : x − x·Q(x)</c> (= x·Φ(x));
/// <c>Φ(x) + x·φ(x)</c>; relative error ≤ 4e‑7 (3.86e‑7 at most, at x ≈ −0.144, checked on every float) wherever |f(x)| ≥ 1.2e‑38, which reaches the tail to
/// x ≈ −13.1; below that the result is rounded to the subnormal grid. Q(a) = e^(−a²/2)·t·P(t), t = 1/(1 + 0.4a),
/// so there is no 1 + erf cancellation.</description></item>
/// <item><term><see cref="Activation.GeluTanh"/></term><description><c>x·σ(2u)</c> (= ½x(1 + tanh u));
/// <c>σ(2u) + x·σ(2u)(1 − σ(2u))·2√(2/π)(1 + 0.134145x²)</c>; relative error ≤ 2e‑6 where |f| ≥ 1e‑4 (measured 1.2e‑6),
/// else absolute ≤ 1e‑6 (measured 1e‑10).</description></item>
/// <item><term><see cref="Activation.GeluSigmoid"/></term><description><c>x·σ(1.702x)</c>; <c>σ(1.702x) + 1.702x·σ(1.702x)(1 − σ(1.702x))</c>;
/// bounds as GeluTanh (measured 7.7e‑7 relative).</description></item>
/// <item><term><see cref="Activation.Silu"/></term><description><c>x·σ(x)</c>; <c>σ(x)(1 + x(1 − σ(x)))</c>; bounds as GeluTanh (measured 2.2e‑7 relative).</description></item>
/// <item><term><see cref="Activation.Elu"/></term><description><c>x ≥ 0 ? x : eˣ − 1</c> (α = 1, eˣ − 1 without cancellation near 0);
/// <c>x &gt; 0 ? 1 : eˣ</c>; bounds as GeluTanh (measured 1.2e‑7 relative).</description></item>
/// <item><term><see cref="Activation.Relu"/></term><description><c>x &lt; 0 ? 0 : x</c>; <c>x &gt; 0 ? 1 : 0</c>; exact.</description></item>
/// </list>
/// <para>σ(z) is evaluated as <c>z ≥ 0 ? 1/(1 + e) : e/(1 + e)</c> with e = e^−|z|, which never overflows; there is no tanh.
/// Derivatives: relative error ≤ 1e‑5 where |f′| ≥ 1e‑4, else absolute ≤ 1e‑6 (measured on every float near the roots
/// of f′ and a dense grid elsewhere: 1.8e‑6 relative, 1.1e‑10 absolute). Within 0.125 of a root of f′ (x0 ≈ −0.752 for
/// the GELU forms, −1.278 for SiLU), where the formula is a difference of terms near 0.3, f′ is evaluated as
/// (x − x0)·g(x − x0) with x0 in two floats and g a fitted polynomial (measured 2.2e‑7 relative there).</para>
/// <para>Special values. Every function and derivative maps NaN to NaN. f(+∞) = +∞ and f(3.4e38) = 3.4e38 for all
/// (no intermediate overflow reaches a result); f(−0) = −0 for all. f(−∞) = f(−3.4e38) = −0 for
/// Gelu, GeluTanh, GeluSigmoid and Silu, −1 for Elu, +0 for Relu. Subnormal d gives d/2 (correctly rounded) for the
/// GELU forms and SiLU, d for ELU. Exact GELU(−10) = −7.62e‑23; its minimum is −0.1699712 at x = −0.7517915.
/// Derivatives: f′(+∞) = 1; f′(−∞) = 0 (Gelu′ may give −0); f′(±0) = ½ for the GELU forms and SiLU, 1 for ELU and
/// 0 for ReLU.</para>
/// <para>Results may differ in the last bits across hardware and runtime versions. On one machine every vector width
/// and the scalar path give the same bits (all use fused multiply-adds and the same operation order), so results do
/// not depend on span length, offset or thread count.</para>
/// </remarks>
public static partial class Activations
{
    /// <summary>Computes <paramref name="activation"/> of each element of <paramref name="x"/> into <paramref name="destination"/>
    /// on the calling thread: <c>destination[i] = f(x[i])</c>, with f, its NaN/±∞ behaviour and its error bound as listed on <see cref="Activations"/>.</summary>
    /// <param name="activation">The activation to apply.</param>
    /// <param name="x">The input values.</param>
    /// <param name="destination">Receives the results; may be the same span as <paramref name="x"/> (in place). Elements past <c>x.Length</c> are not touched.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="x"/>, or the two spans overlap without starting at the same element.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="activation"/> is not a defined <see cref="Activation"/>.</exception>
    public static void Apply(Activation activation, ReadOnlySpan<float> x, Span<float> destination)
    {
        ValidateSpans(x, destination);
        ActivationKernels.Apply(activation, x, destination[..x.Length]);
    }

    /// <summary>Computes the derivative of <paramref name="activation"/> at each element of <paramref name="x"/> into <paramref name="destination"/>
    /// on the calling thread: <c>destination[i] = f′(x[i])</c>, with f′ and its error bound as listed on <see cref="Activations"/>.</summary>
    /// <param name="activation">The activation whose derivative is computed.</param>
    /// <param name="x">The input values.</param>
    /// <param name="destination">Receives the results; may be the same span as <paramref name="x"/> (in place). Elements past <c>x.Length</c> are not touched.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="x"/>, or the two spans overlap without starting at the same element.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="activation"/> is not a defined <see cref="Activation"/>.</exception>
    public static void Derivative(Activation activation, ReadOnlySpan<float> x, Span<float> destination)
    {
        ValidateSpans(x, destination);
        ActivationKernels.Derivative(activation, x, destination[..x.Length]);
    }

    internal static void ValidateSpans(ReadOnlySpan<float> x, Span<float> destination)
    {
        if (destination.Length < x.Length)
        {
            throw new ArgumentException(
                $"Destination is too short: it holds {destination.Length} elements, the input has {x.Length}.", nameof(destination));
        }

        if (x.Overlaps(destination, out int offset) && offset != 0)
        {
            throw new ArgumentException(
                $"Input and destination overlap at an offset of {offset} elements; use the same span (in place) or spans that do not overlap.",
                nameof(destination));
        }
    }
}

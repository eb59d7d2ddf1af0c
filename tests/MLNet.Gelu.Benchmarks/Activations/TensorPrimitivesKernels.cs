using System.Numerics.Tensors;

namespace MLNet.Gelu.Benchmarks.Activations;

/// <summary>
/// The best composition of <see cref="TensorPrimitives"/> calls for each activation: what a user gets without
/// our kernels. Each call is one pass over memory, so long chains are bandwidth-bound many times over.
/// <list type="bullet">
/// <item>Gelu: TensorPrimitives has no Erf; this composes the Abramowitz–Stegun 7.1.26 erf (|error| ≤ 1.5e‑7,
/// the form PyTorch and oneDNN use) in 19 passes, and forms ½(1 + erf), which cancels for x &lt; 0.</item>
/// <item>GeluTanh: x·σ(2u), not <c>TensorPrimitives.Tanh</c>, which is inaccurate near 0 in .NET 10.</item>
/// <item>Elu: max(x, 0) + exp(min(x, 0)) − 1 (no select primitive needed).</item>
/// </list>
/// </summary>
internal sealed class TensorPrimitivesKernels
{
    private const float Sqrt2OverPi = 0.7978845608f;
    private readonly float[] _a;
    private readonly float[] _b;

    public TensorPrimitivesKernels(int length)
    {
        _a = new float[length];
        _b = new float[length];
    }

    public void Apply(Activation activation, ReadOnlySpan<float> x, Span<float> destination)
    {
        Span<float> a = _a.AsSpan(0, x.Length);
        Span<float> b = _b.AsSpan(0, x.Length);
        switch (activation)
        {
            case Activation.Gelu:
                Gelu(x, destination, a, b);
                break;
            case Activation.GeluTanh:
                // 2u = 2√(2/π)·x·(1 + 0.044715x²)
                TensorPrimitives.Multiply(x, x, a);
                TensorPrimitives.Multiply(a, 2 * Sqrt2OverPi * 0.044715f, a);
                TensorPrimitives.Add(a, 2 * Sqrt2OverPi, a);
                TensorPrimitives.Multiply(a, x, a);
                TensorPrimitives.Sigmoid(a, a);
                TensorPrimitives.Multiply(x, a, destination);
                break;
            case Activation.GeluSigmoid:
                TensorPrimitives.Multiply(x, 1.702f, a);
                TensorPrimitives.Sigmoid(a, a);
                TensorPrimitives.Multiply(x, a, destination);
                break;
            case Activation.Relu:
                TensorPrimitives.Max(x, 0f, destination);
                break;
            case Activation.Elu:
                TensorPrimitives.Min(x, 0f, a);
                TensorPrimitives.Exp(a, a);
                TensorPrimitives.Add(a, -1f, a);
                TensorPrimitives.Max(x, 0f, destination);
                TensorPrimitives.Add(destination, a, destination);
                break;
            case Activation.Silu:
                TensorPrimitives.Sigmoid(x, a);
                TensorPrimitives.Multiply(x, a, destination);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }
    }

    /// <summary>½x(1 + erf(x/√2)) with erf(z) = sign(z)(1 − P(t)·t·e^(−z²)), t = 1/(1 + 0.3275911|z|).</summary>
    private static void Gelu(ReadOnlySpan<float> x, Span<float> destination, Span<float> e, Span<float> t)
    {
        TensorPrimitives.Abs(x, t);
        TensorPrimitives.Multiply(t, 0.3275911f * 0.70710678f, t);
        TensorPrimitives.Add(t, 1f, t);
        TensorPrimitives.Reciprocal(t, t);                               // t = 1/(1 + 0.3275911·|x|/√2)
        TensorPrimitives.Multiply(t, 1.061405429f, destination);         // P(t) by Horner, in destination
        TensorPrimitives.Add(destination, -1.453152027f, destination);
        TensorPrimitives.MultiplyAdd(destination, t, 1.421413741f, destination);
        TensorPrimitives.MultiplyAdd(destination, t, -0.284496736f, destination);
        TensorPrimitives.MultiplyAdd(destination, t, 0.254829592f, destination);
        TensorPrimitives.Multiply(destination, t, t);                    // t = P(t)·t
        TensorPrimitives.Multiply(x, -0.5f, e);
        TensorPrimitives.Multiply(e, x, e);
        TensorPrimitives.Exp(e, e);                                      // e = exp(−x²/2)
        TensorPrimitives.MultiplyAdd(t, e, -1f, e);                      // e = −erf(|x|/√2)
        TensorPrimitives.CopySign(e, x, e);                              // e = erf(x/√2)
        TensorPrimitives.Multiply(e, 0.5f, e);
        TensorPrimitives.Add(e, 0.5f, e);                                // Φ(x) = ½ + ½·erf(x/√2): cancels for x < 0
        TensorPrimitives.Multiply(x, e, destination);
    }
}

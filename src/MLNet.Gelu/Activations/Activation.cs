namespace MLNet.Gelu;

/// <summary>
/// An element-wise activation function. See <see cref="Activations"/> for the formulas, error bounds and kernels.
/// </summary>
public enum Activation
{
    /// <summary>Exact GELU: <c>x·Φ(x) = ½·x·erfc(−x/√2)</c>, computed without the <c>1 + erf</c> cancellation.</summary>
    Gelu = 0,

    /// <summary>Tanh approximation of GELU (Hugging Face <c>gelu_new</c>): <c>½x(1 + tanh(√(2/π)(x + 0.044715x³)))</c>.</summary>
    GeluTanh = 1,

    /// <summary>Sigmoid approximation of GELU (<c>quick_gelu</c>): <c>x·σ(1.702x)</c>.</summary>
    GeluSigmoid = 2,

    /// <summary>Rectified linear unit: <c>max(0, x)</c>.</summary>
    Relu = 3,

    /// <summary>Exponential linear unit with α = 1: <c>x &gt; 0 ? x : eˣ − 1</c>.</summary>
    Elu = 4,

    /// <summary>Sigmoid-weighted linear unit (swish): <c>x·σ(x)</c>.</summary>
    Silu = 5,
}

using MLNet.Gelu.Gemm;

namespace MLNet.Gelu;

/// <summary>The affine map of one layer, <c>Z = X·Wᵀ + b</c>, and its gradients, over batches of rows.</summary>
internal static class DenseLayer
{
    /// <summary><c>z[batch × outputs] = x[batch × inputs] · W[outputs × inputs]ᵀ + b</c>.</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> z, int batch, int inputs, int outputs, int threads)
    {
        Sgemm.MultiplyNT(x, weights, z, batch, outputs, inputs, threads);
        ParallelPasses.AddToRows(z, bias, batch, outputs, threads);
    }

    /// <summary>
    /// Weight and bias gradients from <c>dZ[batch × outputs]</c> and the layer input <c>x[batch × inputs]</c>:
    /// <c>dW = dZᵀ·x</c>, <c>db = Σ_rows dZ</c> (summed in row order).
    /// </summary>
    public static void Gradients(ReadOnlySpan<float> dz, ReadOnlySpan<float> x, Span<float> weightGradient, Span<float> biasGradient, int batch, int inputs, int outputs, int threads)
    {
        Sgemm.MultiplyTN(dz, x, weightGradient, outputs, inputs, batch, threads);
        ParallelPasses.SumRows(dz, biasGradient, batch, outputs, threads);
    }

    /// <summary>Gradient with respect to the layer input, <c>dX[batch × inputs] = dZ[batch × outputs] · W[outputs × inputs]</c>.</summary>
    public static void InputGradient(ReadOnlySpan<float> dz, ReadOnlySpan<float> weights, Span<float> dx, int batch, int inputs, int outputs, int threads)
        => Sgemm.MultiplyNN(dz, weights, dx, batch, inputs, outputs, threads);
}

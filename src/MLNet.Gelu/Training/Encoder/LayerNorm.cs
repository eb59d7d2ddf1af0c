using System.Numerics.Tensors;

namespace MLNet.Gelu.Encoder;

/// <summary>
/// Layer normalization over each row (Ba, Kiros &amp; Hinton 2016): <c>x̂ = (x − μ)·r</c> with <c>r = 1/√(σ² + ε)</c> (biased
/// variance), <c>y = x̂·γ + β</c>. The forward pass keeps x̂ and r for the backward pass:
/// <c>dx = r·(g − mean(g) − x̂·mean(g·x̂))</c> with <c>g = dy·γ</c>, <c>dγ += Σ_rows dy·x̂</c>, <c>dβ += Σ_rows dy</c>.
/// </summary>
internal static class LayerNorm
{
    /// <summary>Normalizes each of <paramref name="rows"/> rows of <paramref name="x"/> into <paramref name="y"/> (which may be <paramref name="x"/>).</summary>
    public static void Forward(
        ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, Span<float> normalized, Span<float> inverseDeviation,
        Span<float> y, int rows, int width, float epsilon)
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> xr = x.Slice(r * width, width);
            Span<float> nr = normalized.Slice(r * width, width);
            float mean = TensorPrimitives.Sum(xr) / width;
            TensorPrimitives.Subtract(xr, mean, nr);
            float variance = TensorPrimitives.Dot(nr, nr) / width;
            float inverse = 1 / MathF.Sqrt(variance + epsilon);
            inverseDeviation[r] = inverse;
            TensorPrimitives.Multiply(nr, inverse, nr);
            Span<float> yr = y.Slice(r * width, width);
            TensorPrimitives.FusedMultiplyAdd(nr, scale, shift, yr);
        }
    }

    /// <summary>
    /// The input gradient into <paramref name="dx"/> (added to it when <paramref name="accumulate"/> is set), and the parameter
    /// gradients added to <paramref name="scaleGradient"/> and <paramref name="shiftGradient"/>, summed in row order.
    /// <paramref name="scratch"/> holds at least <paramref name="width"/> elements.
    /// </summary>
    public static void Backward(
        ReadOnlySpan<float> dy, ReadOnlySpan<float> normalized, ReadOnlySpan<float> inverseDeviation, ReadOnlySpan<float> scale,
        Span<float> dx, Span<float> scaleGradient, Span<float> shiftGradient, Span<float> scratch, int rows, int width, bool accumulate)
    {
        Span<float> g = scratch.Slice(0, width);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> dyr = dy.Slice(r * width, width);
            ReadOnlySpan<float> nr = normalized.Slice(r * width, width);
            TensorPrimitives.FusedMultiplyAdd(dyr, nr, scaleGradient, scaleGradient);
            TensorPrimitives.Add(shiftGradient, dyr, shiftGradient);

            TensorPrimitives.Multiply(dyr, scale, g);
            float meanG = TensorPrimitives.Sum(g) / width;
            float meanGn = TensorPrimitives.Dot(g, nr) / width;
            float inverse = inverseDeviation[r];

            // dx = r·g − r·mean(g) − x̂·(r·mean(g·x̂))
            TensorPrimitives.Subtract(g, meanG, g);
            TensorPrimitives.MultiplyAdd(nr, -meanGn, g, g);
            Span<float> dxr = dx.Slice(r * width, width);
            if (accumulate)
            {
                TensorPrimitives.MultiplyAdd(g, inverse, dxr, dxr);
            }
            else
            {
                TensorPrimitives.Multiply(g, inverse, dxr);
            }
        }
    }
}

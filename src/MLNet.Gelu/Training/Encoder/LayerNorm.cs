using System.Numerics.Tensors;

namespace MLNet.Gelu.Encoder;

/// <summary>
/// Layer normalization over each row (Ba, Kiros &amp; Hinton 2016): <c>x̂ = (x − μ)·r</c> with <c>r = 1/√(σ² + ε)</c> (biased
/// variance), <c>y = x̂·γ + β</c>. The forward pass keeps x̂ and r for the backward pass:
/// <c>dx = r·(g − mean(g) − x̂·mean(g·x̂))</c> with <c>g = dy·γ</c>, <c>dγ += Σ_rows dy·x̂</c>, <c>dβ += Σ_rows dy</c>.
/// </summary>
/// <remarks>On several threads rows are split between workers, and the parameter gradients by columns (each column's sum
/// still runs over the rows in order), so the results do not depend on the thread count.</remarks>
internal static class LayerNorm
{
    /// <summary>Normalizes each of <paramref name="rows"/> rows of <paramref name="x"/> into <paramref name="y"/> (which may be <paramref name="x"/>).</summary>
    public static unsafe void Forward(
        ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, Span<float> normalized, Span<float> inverseDeviation,
        Span<float> y, int rows, int width, float epsilon, int threads = 1)
    {
        Check(rows, width, (x.Length, nameof(x)), (normalized.Length, nameof(normalized)), (y.Length, nameof(y)));
        Check(rows, 1, (inverseDeviation.Length, nameof(inverseDeviation)));
        Check(1, width, (scale.Length, nameof(scale)), (shift.Length, nameof(shift)));
        fixed (float* px = x, pScale = scale, pShift = shift, pn = normalized, pi = inverseDeviation, py = y)
        {
            var (xa, sa, ba, na, ia, ya) = ((nint)px, (nint)pScale, (nint)pShift, (nint)pn, (nint)pi, (nint)py);
            ParallelPasses.For(rows, width, threads, (first, last) =>
            {
                var gamma = new ReadOnlySpan<float>((float*)sa, width);
                var beta = new ReadOnlySpan<float>((float*)ba, width);
                for (int r = first; r < last; r++)
                {
                    long offset = (long)r * width;
                    var xr = new ReadOnlySpan<float>((float*)xa + offset, width);
                    var nr = new Span<float>((float*)na + offset, width);
                    float mean = TensorPrimitives.Sum(xr) / width;
                    TensorPrimitives.Subtract(xr, mean, nr);
                    float variance = TensorPrimitives.Dot(nr, nr) / width;
                    float inverse = 1 / MathF.Sqrt(variance + epsilon);
                    ((float*)ia)[r] = inverse;
                    TensorPrimitives.Multiply(nr, inverse, nr);
                    TensorPrimitives.FusedMultiplyAdd(nr, gamma, beta, new Span<float>((float*)ya + offset, width));
                }
            });
        }
    }

    /// <summary>
    /// The input gradient into <paramref name="dx"/> (added to it when <paramref name="accumulate"/> is set), and the parameter
    /// gradients added to <paramref name="scaleGradient"/> and <paramref name="shiftGradient"/>, summed in row order.
    /// <paramref name="scratch"/> holds at least <paramref name="width"/> elements (used on one thread; other workers rent their own).
    /// </summary>
    public static unsafe void Backward(
        ReadOnlySpan<float> dy, ReadOnlySpan<float> normalized, ReadOnlySpan<float> inverseDeviation, ReadOnlySpan<float> scale,
        Span<float> dx, Span<float> scaleGradient, Span<float> shiftGradient, Span<float> scratch, int rows, int width, bool accumulate,
        int threads = 1)
    {
        Check(rows, width, (dy.Length, nameof(dy)), (normalized.Length, nameof(normalized)), (dx.Length, nameof(dx)));
        Check(rows, 1, (inverseDeviation.Length, nameof(inverseDeviation)));
        Check(1, width, (scale.Length, nameof(scale)), (scaleGradient.Length, nameof(scaleGradient)),
            (shiftGradient.Length, nameof(shiftGradient)), (scratch.Length, nameof(scratch)));
        fixed (float* pdy = dy, pn = normalized, pi = inverseDeviation, pScale = scale, pdx = dx, pdg = scaleGradient, pdb = shiftGradient, ps = scratch)
        {
            var (dya, na, ia, sa, dxa, dga, dba, scratchAddress) = ((nint)pdy, (nint)pn, (nint)pi, (nint)pScale, (nint)pdx, (nint)pdg, (nint)pdb, (nint)ps);

            // Parameter gradients: workers take column ranges; each column sums its rows in order.
            ParallelPasses.For(width, rows, threads, (first, last) =>
            {
                int span = last - first;
                var dGamma = new Span<float>((float*)dga + first, span);
                var dBeta = new Span<float>((float*)dba + first, span);
                for (int r = 0; r < rows; r++)
                {
                    long offset = ((long)r * width) + first;
                    var dyr = new ReadOnlySpan<float>((float*)dya + offset, span);
                    TensorPrimitives.FusedMultiplyAdd(dyr, new ReadOnlySpan<float>((float*)na + offset, span), dGamma, dGamma);
                    TensorPrimitives.Add(dBeta, dyr, dBeta);
                }
            });

            // Input gradient: workers take row ranges.
            ParallelPasses.For(rows, width, threads, (first, last) =>
            {
                float[]? rented = first == 0 ? null : System.Buffers.ArrayPool<float>.Shared.Rent(width);
                try
                {
                    Span<float> g = rented is null ? new Span<float>((float*)scratchAddress, width) : rented.AsSpan(0, width);
                    var gamma = new ReadOnlySpan<float>((float*)sa, width);
                    for (int r = first; r < last; r++)
                    {
                        long offset = (long)r * width;
                        var dyr = new ReadOnlySpan<float>((float*)dya + offset, width);
                        var nr = new ReadOnlySpan<float>((float*)na + offset, width);
                        TensorPrimitives.Multiply(dyr, gamma, g);
                        float meanG = TensorPrimitives.Sum(g) / width;
                        float meanGn = TensorPrimitives.Dot(g, nr) / width;
                        float inverse = ((float*)ia)[r];

                        // dx = r·g − r·mean(g) − x̂·(r·mean(g·x̂))
                        TensorPrimitives.Subtract(g, meanG, g);
                        TensorPrimitives.MultiplyAdd(nr, -meanGn, g, g);
                        var dxr = new Span<float>((float*)dxa + offset, width);
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
                finally
                {
                    if (rented is not null)
                    {
                        System.Buffers.ArrayPool<float>.Shared.Return(rented);
                    }
                }
            });
        }
    }

    /// <summary>Each span must hold at least <paramref name="rows"/> × <paramref name="width"/> elements.</summary>
    private static void Check(int rows, int width, params ReadOnlySpan<(int Length, string Name)> spans)
    {
        foreach (var (length, name) in spans)
        {
            if (length < (long)rows * width)
            {
                throw new ArgumentException($"'{name}' has {length} elements; {rows} × {width} are needed.", name);
            }
        }
    }
}

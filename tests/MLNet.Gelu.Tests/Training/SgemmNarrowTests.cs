using MLNet.Gelu.Gemm;

namespace MLNet.Gelu.Tests.Training;

/// <summary>
/// Products with few output columns, which the SGEMM computes as the transposed product Cᵀ = op(B)ᵀ·op(A)ᵀ: every
/// element must be bit for bit the documented accumulation order (a fused multiply-add chain from zero over each block
/// of <see cref="Sgemm.KBlock"/> inner indices, block sums added to C in order), the same as the wide path gives.
/// </summary>
public class SgemmNarrowTests
{
    public static TheoryData<int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int n in Enumerable.Range(1, 17))
        {
            data.Add(37, n, 129);
            data.Add(n + 1, n, 7);
        }

        data.Add(128, 10, 256);
        data.Add(33, 16, 1);
        data.Add(61, 17, 300);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_layout_gives_the_documented_accumulation_order_exactly(int m, int n, int k)
    {
        var rng = new Random((m * 1000) + (n * 10) + k);
        float[] a = SgemmTests.Random(rng, m * k);
        float[] b = SgemmTests.Random(rng, k * n);
        float[] expected = OrderedReference(a, b, m, n, k, initial: null);
        float[] at = SgemmTests.Transpose(a, m, k);
        float[] bt = SgemmTests.Transpose(b, k, n);
        foreach (int threads in new[] { 1, 2 })
        {
            var c = new float[m * n];
            Sgemm.MultiplyNN(a, b, c, m, n, k, threads);
            Assert.Equal(expected, c);
            Array.Fill(c, float.NaN);
            Sgemm.MultiplyNT(a, bt, c, m, n, k, threads);
            Assert.Equal(expected, c);
            Array.Fill(c, float.NaN);
            Sgemm.MultiplyTN(at, b, c, m, n, k, threads);
            Assert.Equal(expected, c);
            Array.Fill(c, float.NaN);
            Sgemm.Multiply(true, true, m, n, k, at, m, bt, k, c, n, accumulate: false, threads, SgemmKernel.Auto);
            Assert.Equal(expected, c);
        }
    }

    [Fact]
    public void The_output_layer_of_the_MNIST_network_takes_the_transposed_path_and_the_wide_layers_do_not()
    {
        int nr = Sgemm.PanelWidth(Sgemm.Resolve(SgemmKernel.Auto));
        Assert.True(Sgemm.IsNarrow(128, 10, nr));
        Assert.False(Sgemm.IsNarrow(128, 256, nr));
        Assert.False(Sgemm.IsNarrow(10, 256, nr));
        Assert.False(Sgemm.IsNarrow(8, 10, nr));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Accumulate_adds_the_block_sums_in_order(int m, int n, int k)
    {
        var rng = new Random((m * 7) + (n * 3) + k);
        float[] a = SgemmTests.Random(rng, m * k);
        float[] bt = SgemmTests.Random(rng, n * k);
        float[] c0 = SgemmTests.Random(rng, m * n);
        float[] expected = OrderedReference(a, SgemmTests.Transpose(bt, n, k), m, n, k, c0);
        var c = (float[])c0.Clone();
        Sgemm.MultiplyNT(a, bt, c, m, n, k, accumulate: true);
        Assert.Equal(expected, c);
    }

    public static TheoryData<int, int> KernelsAndWidths()
    {
        var data = new TheoryData<int, int>();
        foreach (int width in new[] { 128, 256, 512 })
        {
            int half = Sgemm.PanelWidth((SgemmKernel)width) / 2;
            foreach (int n in new[] { 1, half - 1, half, half + 1, 17 }.Distinct())
            {
                data.Add(width, n);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KernelsAndWidths))]
    public void Every_kernel_gives_the_same_bits_with_padded_leading_dimensions_on_both_sides_of_its_threshold(int width, int n)
    {
        const int m = 45, k = 131, lda = k + 3, ldb = k + 5;
        int ldc = n + 2;
        var rng = new Random(width + n);
        float[] a = SgemmTests.Random(rng, m * lda);
        float[] bt = SgemmTests.Random(rng, n * ldb);
        float[] c = Enumerable.Repeat(-7f, m * ldc).ToArray();
        Sgemm.Multiply(false, true, m, n, k, a, lda, bt, ldb, c, ldc, accumulate: false, threads: 1, (SgemmKernel)width);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < ldc; j++)
            {
                float expected = j < n ? OrderedDot(a.AsSpan(i * lda, k), bt.AsSpan(j * ldb, k), 0f, add: false) : -7f;
                Assert.Equal(expected, c[(i * ldc) + j]);
            }
        }
    }

    /// <summary>C (or C0 + …) in the SGEMM's documented order, for A m×k and B k×n stored row-major.</summary>
    private static float[] OrderedReference(float[] a, float[] b, int m, int n, int k, float[]? initial)
    {
        var c = new float[m * n];
        var column = new float[k];
        for (int j = 0; j < n; j++)
        {
            for (int p = 0; p < k; p++)
            {
                column[p] = b[(p * n) + j];
            }

            for (int i = 0; i < m; i++)
            {
                c[(i * n) + j] = OrderedDot(a.AsSpan(i * k, k), column, initial?[(i * n) + j] ?? 0f, add: initial is not null);
            }
        }

        return c;
    }

    private static float OrderedDot(ReadOnlySpan<float> x, ReadOnlySpan<float> y, float c, bool add)
    {
        for (int p0 = 0; p0 < x.Length; p0 += Sgemm.KBlock)
        {
            float s = 0;
            for (int p = p0; p < Math.Min(p0 + Sgemm.KBlock, x.Length); p++)
            {
                s = MathF.FusedMultiplyAdd(x[p], y[p], s);
            }

            c = add || p0 > 0 ? c + s : s;
        }

        return c;
    }
}

using MLNet.Gelu.Gemm;

namespace MLNet.Gelu.Tests.Training;

public class SgemmTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 },
        { 1, 1, 300 },
        { 7, 13, 5 },
        { 6, 16, 128 },
        { 5, 33, 129 },
        { 13, 7, 257 },
        { 129, 257, 65 },
        { 64, 300, 200 },
    };

    public static TheoryData<int> KernelWidths => new() { 128, 256, 512 };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_layout_matches_a_double_reference(int m, int n, int k)
    {
        var rng = new Random(m * 1000 + n * 10 + k);
        float[] a = Random(rng, m * k);
        float[] b = Random(rng, k * n);
        double[] expected = Reference(a, b, m, n, k);

        // NN: A m×k, B k×n.
        var c = new float[m * n];
        Sgemm.MultiplyNN(a, b, c, m, n, k);
        AssertClose(expected, c, k);

        // NT: B stored n×k.
        float[] bt = Transpose(b, k, n);
        Array.Fill(c, float.NaN);
        Sgemm.MultiplyNT(a, bt, c, m, n, k, threads: 2);
        AssertClose(expected, c, k);

        // TN: A stored k×m.
        float[] at = Transpose(a, m, k);
        Array.Fill(c, float.NaN);
        Sgemm.MultiplyTN(at, b, c, m, n, k, threads: 2);
        AssertClose(expected, c, k);
    }

    [Theory]
    [MemberData(nameof(KernelWidths))]
    public void Every_kernel_gives_bit_identical_results(int width)
    {
        var kernel = (SgemmKernel)width;
        const int m = 37, n = 71, k = 300;
        var rng = new Random(7);
        float[] a = Random(rng, m * k);
        float[] b = Random(rng, n * k);
        var auto = new float[m * n];
        var forced = new float[m * n];
        Sgemm.MultiplyNT(a, b, auto, m, n, k);
        Sgemm.MultiplyNT(a, b, forced, m, n, k, kernel: kernel);
        Assert.Equal(auto, forced);
        AssertClose(Reference(a, Transpose(b, n, k), m, n, k), forced, k);
    }

    /// <summary>
    /// 250 × 300 × 400: two row tiles, which 3 and 8 workers split with the column tiles halved. 200 × 700 × 2100: op(B)
    /// packed for all of k fills the packing budget at a few dozen columns, so N is cut into many narrow column tiles (a
    /// different number per kernel width), and the one row tile ends in a partial panel of two rows (packed, the rest read
    /// in place). 50 × 70 × 9000: even one panel's worth of k outgrows the budget, so op(B) is packed for a range of
    /// k-blocks at a time.
    /// </summary>
    [Theory]
    [InlineData(250, 300, 400, 11)]
    [InlineData(200, 700, 2100, 21)]
    [InlineData(50, 70, 9000, 31)]
    public void Thread_count_layout_and_kernel_do_not_change_a_single_bit(int m, int n, int k, int seed)
    {
        var rng = new Random(seed);
        float[] a = Random(rng, m * k);
        float[] b = Random(rng, k * n);
        var one = new float[m * n];
        Sgemm.MultiplyNN(a, b, one, m, n, k, threads: 1);
        AssertClose(Reference(a, b, m, n, k), one, k);
        foreach (int threads in new[] { 2, 3, 4, 8 })
        {
            var many = new float[m * n];
            Sgemm.MultiplyNN(a, b, many, m, n, k, threads: threads);
            Assert.Equal(one, many);
        }

        var nt = new float[m * n];
        Sgemm.MultiplyNT(a, Transpose(b, k, n), nt, m, n, k, threads: 3);
        Assert.Equal(one, nt);
        var tn = new float[m * n];
        Sgemm.MultiplyTN(Transpose(a, m, k), b, tn, m, n, k, threads: 3);
        Assert.Equal(one, tn);
        foreach (int width in new[] { 128, 256 })
        {
            var forced = new float[m * n];
            Sgemm.MultiplyNN(a, b, forced, m, n, k, threads: 2, kernel: (SgemmKernel)width);
            Assert.Equal(one, forced);
        }
    }

    [Fact]
    public void Accumulate_adds_to_the_destination()
    {
        const int m = 9, n = 20, k = 11;
        var rng = new Random(3);
        float[] a = Random(rng, m * k);
        float[] b = Random(rng, k * n);
        float[] c0 = Random(rng, m * n);
        var c = (float[])c0.Clone();
        Sgemm.MultiplyNN(a, b, c, m, n, k, accumulate: true);
        double[] expected = Reference(a, b, m, n, k);
        for (int i = 0; i < expected.Length; i++)
        {
            expected[i] += c0[i];
        }

        AssertClose(expected, c, k);
    }

    [Fact]
    public void Empty_inner_dimension_clears_or_keeps_the_destination()
    {
        var c = new float[] { 1, 2, 3, 4 };
        Sgemm.MultiplyNN([], [], c, 2, 2, 0, accumulate: true);
        Assert.Equal(new float[] { 1, 2, 3, 4 }, c);
        Sgemm.MultiplyNN([], [], c, 2, 2, 0);
        Assert.All(c, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Too_short_operand_is_rejected_with_its_shape()
    {
        var ex = Assert.Throws<ArgumentException>(() => Sgemm.MultiplyNN(new float[5], new float[6], new float[4], 2, 2, 3));
        Assert.Contains("'a'", ex.Message);
        Assert.Contains("2 × 3", ex.Message);
    }

    internal static float[] Random(Random rng, int count)
    {
        var x = new float[count];
        for (int i = 0; i < count; i++)
        {
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        }

        return x;
    }

    internal static float[] Transpose(float[] x, int rows, int cols)
    {
        var t = new float[x.Length];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                t[j * rows + i] = x[i * cols + j];
            }
        }

        return t;
    }

    private static double[] Reference(float[] a, float[] b, int m, int n, int k)
    {
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                {
                    s += (double)a[i * k + p] * b[p * n + j];
                }

                c[i * n + j] = s;
            }
        }

        return c;
    }

    private static void AssertClose(double[] expected, float[] actual, int k)
    {
        // Inputs in [-1, 1]: the float error of a k-term dot product is bounded by about k·2⁻²⁴ per term of magnitude ≤ 1.
        double tolerance = 1e-6 * (k + 1) + 1e-6;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]);
            Assert.True(error <= tolerance, $"Element {i}: expected {expected[i]}, got {actual[i]} (error {error:g3} > {tolerance:g3}).");
        }
    }
}

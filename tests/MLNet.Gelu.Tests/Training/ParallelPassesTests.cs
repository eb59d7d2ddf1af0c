using System.Numerics.Tensors;

namespace MLNet.Gelu.Tests.Training;

/// <summary>The trainers' parallel element-wise passes give what one thread gives, bit for bit, on any split.</summary>
public class ParallelPassesTests
{
    public static TheoryData<int> Threads => new() { 1, 2, 3, 7 };

    [Theory]
    [MemberData(nameof(Threads))]
    public void Element_wise_passes_match_the_serial_primitives(int threads)
    {
        // 300,001 elements: four and a half times the per-worker minimum, an odd length so the ranges end mid-vector.
        float[] x = Random(300_001, 1), y = Random(300_001, 2);
        var sum = new float[x.Length];
        var product = new float[x.Length];
        var copy = new float[x.Length + 3];
        ParallelPasses.Add(x, y, sum, threads);
        ParallelPasses.Multiply(x, y, product, threads);
        ParallelPasses.Copy(x, copy, threads);

        var expected = new float[x.Length];
        TensorPrimitives.Add(x, y, expected);
        Assert.Equal(expected, sum);
        TensorPrimitives.Multiply(x, y, expected);
        Assert.Equal(expected, product);
        Assert.Equal(x, copy[..x.Length]);
        Assert.Equal([0f, 0f, 0f], copy[x.Length..]);
    }

    [Theory]
    [MemberData(nameof(Threads))]
    public void Bias_rows_and_column_sums_match_one_thread_in_row_order(int threads)
    {
        const int rows = 2_001, width = 97;
        float[] matrix = Random(rows * width, 3), bias = Random(width, 4);
        var added = (float[])matrix.Clone();
        ParallelPasses.AddToRows(added, bias, rows, width, threads);
        var sums = Random(width + 2, 5);
        float tail0 = sums[width], tail1 = sums[width + 1];
        ParallelPasses.SumRows(matrix, sums, rows, width, threads);

        for (int j = 0; j < width; j++)
        {
            float sum = 0;
            for (int i = 0; i < rows; i++)
            {
                Assert.Equal(matrix[(i * width) + j] + bias[j], added[(i * width) + j]);
                sum += matrix[(i * width) + j];
            }

            Assert.Equal(sum, sums[j]);
        }

        Assert.Equal(tail0, sums[width]);
        Assert.Equal(tail1, sums[width + 1]);
    }

    [Fact]
    public void Mismatched_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => ParallelPasses.Add(new float[10], new float[9], new float[10], 2));
        Assert.Throws<ArgumentException>(() => ParallelPasses.Multiply(new float[10], new float[10], new float[9], 2));
        Assert.Throws<ArgumentException>(() => ParallelPasses.AddToRows(new float[10], new float[4], 3, 5, 2));
        Assert.Throws<ArgumentException>(() => ParallelPasses.SumRows(new float[15], new float[4], 3, 5, 2));
    }

    private static float[] Random(int length, int seed)
    {
        var rng = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        return values;
    }
}

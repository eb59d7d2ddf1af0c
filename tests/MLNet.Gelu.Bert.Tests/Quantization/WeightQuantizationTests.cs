using MLNet.Gelu.Bert.Graphs;
using MLNet.Gelu.Bert.Graphs.Quantization;

namespace MLNet.Gelu.Bert.Tests.Quantization;

/// <summary>The arithmetic of 8-bit weights: scales, zero points, ranges, and the error bound of half a step.</summary>
public class WeightQuantizationTests
{
    private const int Rows = 7, Columns = 5;

    private static float[] Weights()
    {
        var random = new Random(11);
        var w = new float[Rows * Columns];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = (float)((random.NextDouble() - 0.3) * (1 + (i % Columns)));
        }

        w[3 * Columns + 2] = 9f;          // one outlier in column 2
        for (int k = 0; k < Rows; k++)
        {
            w[k * Columns + 4] = 0f;      // an all-zero column
        }

        return w;
    }

    [Fact]
    public void Per_channel_symmetric_uses_each_columns_largest_magnitude_and_stays_within_half_a_step()
    {
        var w = Weights();
        var q = QuantizedWeight.Quantize(w, Rows, Columns, WeightGranularity.PerChannel, symmetric: true);
        Assert.Equal(FloatTensors.Int8, q.ElementType);
        Assert.Null(q.ZeroPoints);
        Assert.Equal(Columns, q.Scales.Length);
        for (int n = 0; n < Columns; n++)
        {
            float max = Enumerable.Range(0, Rows).Max(k => Math.Abs(w[k * Columns + n]));
            Assert.Equal(max > 0 ? max / 127f : 1f, q.Scales[n]);
            for (int k = 0; k < Rows; k++)
            {
                sbyte value = (sbyte)q.Data[k * Columns + n];
                Assert.InRange(value, (sbyte)-127, (sbyte)127);
                Assert.True(Math.Abs(w[k * Columns + n] - q.Dequantize(k, n)) <= q.Scales[n] / 2 * 1.0001f, $"[{k}, {n}]");
            }
        }

        Assert.Equal(127, (sbyte)q.Data[3 * Columns + 2]);
        Assert.All(Enumerable.Range(0, Rows), k => Assert.Equal(0, q.Data[k * Columns + 4]));
    }

    [Fact]
    public void Per_tensor_has_one_scale_so_an_outlier_coarsens_every_column()
    {
        var w = Weights();
        var perTensor = QuantizedWeight.Quantize(w, Rows, Columns, WeightGranularity.PerTensor, symmetric: true);
        var perChannel = QuantizedWeight.Quantize(w, Rows, Columns, WeightGranularity.PerChannel, symmetric: true);
        Assert.Equal([9f / 127f], perTensor.Scales);
        double Error(QuantizedWeight q, int n) => Enumerable.Range(0, Rows).Max(k => Math.Abs(w[k * Columns + n] - q.Dequantize(k, n)));
        Assert.True(Error(perTensor, 0) > Error(perChannel, 0));
    }

    [Theory]
    [InlineData(WeightGranularity.PerChannel)]
    [InlineData(WeightGranularity.PerTensor)]
    public void Asymmetric_is_uint8_with_zero_exact_and_within_half_a_step(WeightGranularity granularity)
    {
        var w = Weights();
        var q = QuantizedWeight.Quantize(w, Rows, Columns, granularity, symmetric: false);
        Assert.Equal(FloatTensors.UInt8, q.ElementType);
        Assert.NotNull(q.ZeroPoints);
        Assert.Equal(q.Scales.Length, q.ZeroPoints!.Length);
        for (int k = 0; k < Rows; k++)
        {
            for (int n = 0; n < Columns; n++)
            {
                float step = q.Scales[q.Scales.Length == 1 ? 0 : n];
                Assert.True(Math.Abs(w[k * Columns + n] - q.Dequantize(k, n)) <= step / 2 * 1.0001f + 1e-7f, $"[{k}, {n}]");
            }
        }

        // Zero is exactly representable: the all-zero column dequantizes to 0.
        Assert.All(Enumerable.Range(0, Rows), k => Assert.Equal(0f, q.Dequantize(k, 4)));
    }
}

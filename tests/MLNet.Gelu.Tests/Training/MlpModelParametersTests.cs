using MLNet.Gelu.Tests.TestSupport;

namespace MLNet.Gelu.Tests.Training;

public class MlpModelParametersTests
{
    private static readonly Lazy<(MlpModelParameters Model, float[] X, int[] Y)> Trained = new(() =>
    {
        var (x, y) = TrainingFixtures.Spiral(arms: 3, perArm: 40, seed: 1);
        var model = MlpTrainerCore.Train(x, 2, y, 3, new MlpOptions { HiddenLayerSizes = [20, 10], Activation = Activation.Silu, Epochs = 5, BatchSize = 16, Seed = 1 });
        return (model, x, y);
    });

    [Fact]
    public void Describes_its_shape()
    {
        MlpModelParameters model = Trained.Value.Model;
        Assert.Equal(2, model.InputCount);
        Assert.Equal(3, model.ClassCount);
        Assert.Equal(Activation.Silu, model.Activation);
        Assert.Equal([20, 10], model.HiddenLayerSizes);
        Assert.Equal(3, model.LayerCount);
        Assert.Equal(20 * 2, model.GetWeights(0).Length);
        Assert.Equal(3 * 10, model.GetWeights(2).Length);
        Assert.Equal(10, model.GetBiases(1).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.GetWeights(3));
    }

    [Fact]
    public void Single_row_and_batch_predictions_agree_and_sum_to_one()
    {
        var (model, x, _) = Trained.Value;
        int rows = x.Length / 2;
        var batch = new float[rows * 3];
        Assert.Equal(rows, model.PredictBatch(x, batch, threads: 2));
        var single = new float[3];
        for (int r = 0; r < rows; r++)
        {
            model.Predict(x.AsSpan(r * 2, 2), single);
            Assert.Equal(1.0, single.Sum(), tolerance: 1e-5);
            for (int c = 0; c < 3; c++)
            {
                Assert.Equal(batch[r * 3 + c], single[c], tolerance: 1e-5);
            }
        }
    }

    [Fact]
    public void Batches_longer_than_one_chunk_agree_with_single_rows()
    {
        MlpModelParameters model = Trained.Value.Model;
        var rng = new Random(2);
        const int rows = 601;
        float[] x = Enumerable.Range(0, rows * 2).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var batch = new float[rows * 3 + 5];
        Assert.Equal(rows, model.PredictBatch(x, batch));
        var single = new float[3];
        for (int r = 0; r < rows; r += 50)
        {
            model.Predict(x.AsSpan(r * 2, 2), single);
            for (int c = 0; c < 3; c++)
            {
                Assert.Equal(batch[r * 3 + c], single[c], tolerance: 1e-5);
            }
        }

        Assert.All(batch[^5..], v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Predictions_match_a_double_precision_forward_pass()
    {
        var (model, x, _) = Trained.Value;
        var p = new float[3];
        for (int r = 0; r < 10; r++)
        {
            double[] a = [x[r * 2], x[r * 2 + 1]];
            for (int l = 0; l < model.LayerCount; l++)
            {
                ReadOnlySpan<float> w = model.GetWeights(l).Span;
                ReadOnlySpan<float> b = model.GetBiases(l).Span;
                var z = new double[b.Length];
                for (int o = 0; o < z.Length; o++)
                {
                    double s = b[o];
                    for (int i = 0; i < a.Length; i++)
                    {
                        s += w[o * a.Length + i] * a[i];
                    }

                    z[o] = l == model.LayerCount - 1 ? s : DoubleReference.Value(model.Activation, s);
                }

                a = z;
            }

            double sum = a.Sum(v => Math.Exp(v - a.Max()));
            model.Predict(x.AsSpan(r * 2, 2), p);
            for (int c = 0; c < 3; c++)
            {
                Assert.Equal(Math.Exp(a[c] - a.Max()) / sum, p[c], tolerance: 1e-5);
            }
        }
    }

    [Fact]
    public void Wrong_lengths_are_rejected()
    {
        MlpModelParameters model = Trained.Value.Model;
        Assert.Contains("reads 2 features; the row has 3", Assert.Throws<ArgumentException>(() => model.Predict(new float[3], new float[3])).Message);
        Assert.Throws<ArgumentException>(() => model.Predict(new float[2], new float[2]));
        Assert.Contains("not whole rows", Assert.Throws<ArgumentException>(() => model.PredictBatch(new float[5], new float[9])).Message);
        Assert.Throws<ArgumentException>(() => model.PredictBatch(new float[4], new float[5]));
    }

    [Fact]
    public void Binary_round_trip_is_exact()
    {
        var (model, x, _) = Trained.Value;
        using var stream = new MemoryStream();
        model.WriteTo(stream);
        stream.Position = 0;
        MlpModelParameters copy = MlpModelParameters.ReadFrom(stream);
        Assert.Equal(stream.Length, stream.Position);
        Assert.Equal(model.Activation, copy.Activation);
        Assert.Equal(model.HiddenLayerSizes, copy.HiddenLayerSizes);
        Assert.Equal(TrainingFixtures.AllParameters(model), TrainingFixtures.AllParameters(copy));
        var p1 = new float[x.Length / 2 * 3];
        var p2 = new float[p1.Length];
        model.PredictBatch(x, p1);
        copy.PredictBatch(x, p2);
        Assert.Equal(p1, p2);
    }

    [Fact]
    public void Corrupt_streams_say_what_is_wrong()
    {
        byte[] good = Serialize(Trained.Value.Model);
        Assert.Contains("does not start with", Read(Mutate(good, 0, (byte)'X')).Message);
        Assert.Contains("version 9 is not supported", Read(Mutate(good, 4, 9)).Message);
        Assert.Contains("activation 77", Read(Mutate(good, 8, 77)).Message);
        Assert.Contains("claims 0 layers", Read(Mutate(good, 12, 0)).Message);
        Assert.Contains("layer width 1 is 0", Read(Mutate(good, 20, 0)).Message);
        Assert.Contains("truncated", Read(good[..^20]).Message);
        Assert.Contains("end marker", Read([.. good[..^4], .. "NOPE"u8.ToArray()]).Message);

        byte[] nan = (byte[])good.Clone();
        BitConverter.GetBytes(float.NaN).CopyTo(nan, 32); // first weight: 4 header ints + 4 sizes = 32 bytes
        Assert.Contains("layer 0 weights[0] is NaN", Read(nan).Message);
    }

    private static byte[] Serialize(MlpModelParameters model)
    {
        using var stream = new MemoryStream();
        model.WriteTo(stream);
        return stream.ToArray();
    }

    private static byte[] Mutate(byte[] bytes, int offset, byte value)
    {
        byte[] copy = (byte[])bytes.Clone();
        copy[offset] = value;
        return copy;
    }

    private static InvalidDataException Read(byte[] bytes)
        => Assert.Throws<InvalidDataException>(() => MlpModelParameters.ReadFrom(new MemoryStream(bytes)));
}

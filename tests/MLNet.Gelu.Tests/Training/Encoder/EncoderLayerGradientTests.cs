using MLNet.Gelu.Encoder;

namespace MLNet.Gelu.Tests.Training.Encoder;

/// <summary>
/// Each layer type of the encoder on its own: its backward pass (float) against central finite differences (step 1e‑5) of
/// <c>L = Σ r ⊙ y</c>, r fixed random weights and y the layer's output computed in double from the formulas. Tolerance
/// |numeric − engine| ≤ 1e‑5 + 1e‑3·|numeric| (float arithmetic a few operations deep).
/// </summary>
public class EncoderLayerGradientTests
{
    [Fact]
    public void Layer_norm_gradients_match_finite_differences()
    {
        const int rows = 3, width = 7;
        const float eps = 1e-5f;
        var random = new RandomSource(5);
        float[] x = Random(rows * width, 2, ref random), gamma = Random(width, 1, ref random), beta = Random(width, 1, ref random);
        double[] r = Random(rows * width, 1, ref random).Select(v => (double)v).ToArray();
        var normalized = new float[rows * width];
        var inverse = new float[rows];
        var y = new float[rows * width];
        LayerNorm.Forward(x, gamma, beta, normalized, inverse, y, rows, width, eps);
        var dx = Enumerable.Repeat(0.5f, rows * width).ToArray();
        var dGamma = new float[width];
        var dBeta = new float[width];
        LayerNorm.Backward(r.Select(v => (float)v).ToArray(), normalized, inverse, gamma, dx, dGamma, dBeta, new float[width], rows, width, accumulate: true);

        double Loss(double[] xs, double[] g, double[] b)
        {
            double total = 0;
            for (int row = 0; row < rows; row++)
            {
                double[] yr = EncoderReference.LayerNorm(xs.Skip(row * width).Take(width).ToArray(), g, b, eps);
                total += yr.Select((v, i) => v * r[(row * width) + i]).Sum();
            }

            return total;
        }

        double[] xd = ToDouble(x), gd = ToDouble(gamma), bd = ToDouble(beta);
        Assert.Equal(Loss(xd, gd, bd), y.Select((v, i) => v * r[i]).Sum(), 1e-5);
        CheckAll("x", xd, dx.Select(v => v - 0.5f).ToArray(), () => Loss(xd, gd, bd));
        CheckAll("gamma", gd, dGamma, () => Loss(xd, gd, bd));
        CheckAll("beta", bd, dBeta, () => Loss(xd, gd, bd));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Masked_attention_gradients_match_finite_differences(bool dropout)
    {
        const int count = 2, length = 4, heads = 2, headSize = 3, width = heads * headSize, rows = count * length;
        int[] lengths = [4, 2];
        var random = new RandomSource(9);
        float[] q = Random(rows * width, 2, ref random), k = Random(rows * width, 2, ref random), v = Random(rows * width, 2, ref random);
        double[] r = Random(rows * width, 1, ref random).Select(x => (double)x).ToArray();
        var mask = new float[count * heads * length * length];
        if (dropout)
        {
            Dropout.DrawMask(mask, 0.3f, ref random);
            Assert.Contains(0f, mask);
        }

        float[] dropoutMask = dropout ? mask : [];
        var probabilities = new float[mask.Length];
        var context = new float[rows * width];
        SelfAttention.Forward(q, k, v, probabilities, dropoutMask, context, lengths, count, length, heads, headSize, threads: 2);
        var dq = new float[rows * width];
        var dk = new float[rows * width];
        var dv = new float[rows * width];
        SelfAttention.Backward(r.Select(x => (float)x).ToArray(), q, k, v, probabilities, dropoutMask, dq, dk, dv, lengths, count, length, heads, headSize, threads: 2);

        for (int b = 0; b < count; b++)
        {
            for (int h = 0; h < heads; h++)
            {
                for (int i = 0; i < length; i++)
                {
                    for (int j = lengths[b]; j < length; j++)
                    {
                        Assert.Equal(0f, probabilities[((((b * heads) + h) * length) + i) * length + j]);
                    }
                }
            }
        }

        double[] qd = ToDouble(q), kd = ToDouble(k), vd = ToDouble(v);
        double Loss()
        {
            double total = 0;
            for (int b = 0; b < count; b++)
            {
                for (int h = 0; h < heads; h++)
                {
                    double[][] Block(double[] m) => Enumerable.Range(0, length)
                        .Select(t => m.Skip((((b * length) + t) * width) + (h * headSize)).Take(headSize).ToArray()).ToArray();
                    int block = ((b * heads) + h) * length * length;
                    double[][] c = EncoderReference.Attention(Block(qd), Block(kd), Block(vd), lengths[b], dropout ? (i, j) => mask[block + (i * length) + j] : null);
                    for (int t = 0; t < length; t++)
                    {
                        for (int e = 0; e < headSize; e++)
                        {
                            total += c[t][e] * r[(((b * length) + t) * width) + (h * headSize) + e];
                        }
                    }
                }
            }

            return total;
        }

        Assert.Equal(Loss(), context.Select((x, i) => x * r[i]).Sum(), 1e-5);
        CheckAll("q", qd, dq, Loss);
        CheckAll("k", kd, dk, Loss);
        CheckAll("v", vd, dv, Loss);

        // Padding keys and values of the second sequence get no gradient.
        for (int t = lengths[1]; t < length; t++)
        {
            Assert.All(dk.AsSpan(((length + t) * width), width).ToArray(), g => Assert.Equal(0f, g));
            Assert.All(dv.AsSpan(((length + t) * width), width).ToArray(), g => Assert.Equal(0f, g));
        }
    }

    [Fact]
    public void Embedding_gather_gradients_match_finite_differences()
    {
        var configuration = EncoderTestModels.Tiny();
        var weights = EncoderTestModels.RandomWeights(configuration, 1);
        var batch = EncoderTestModels.Batch(2);
        int h = configuration.Hidden;
        var random = new RandomSource(4);
        double[] r = Random(batch.Rows * h, 1, ref random).Select(x => (double)x).ToArray();
        for (int b = 0; b < batch.Count; b++)
        {
            r.AsSpan(((b * batch.Length) + batch.Lengths[b]) * h, (batch.Length - batch.Lengths[b]) * h).Clear(); // padding rows carry no gradient
        }

        var embedded = new float[batch.Rows * h];
        TokenEmbedding.Forward(batch, weights, embedded);
        TokenEmbedding.Backward(batch, weights, r.Select(x => (float)x).ToArray());

        double[] words = ToDouble(weights.WordEmbeddings.Values), positions = ToDouble(weights.PositionEmbeddings.Values), types = ToDouble(weights.TypeEmbeddings.Values);
        double Loss()
        {
            double total = 0;
            for (int row = 0; row < batch.Rows; row++)
            {
                for (int i = 0; i < h; i++)
                {
                    double e = words[(batch.TokenIds[row] * h) + i] + positions[((row % batch.Length) * h) + i] + types[(batch.TypeIds[row] * h) + i];
                    total += e * r[(row * h) + i];
                }
            }

            return total;
        }

        Assert.Equal(Loss(), embedded.Select((x, i) => x * r[i]).Sum(), 1e-5);
        CheckAll("word", words, weights.WordEmbeddings.Gradient, Loss);
        CheckAll("position", positions, weights.PositionEmbeddings.Gradient, Loss);
        CheckAll("type", types, weights.TypeEmbeddings.Gradient, Loss);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Pooling_gradients_match_finite_differences(bool mean)
    {
        var pooling = mean ? EncoderPooling.Mean : EncoderPooling.Cls;
        const int count = 3, length = 4, width = 5;
        int[] lengths = [4, 1, 3];
        var random = new RandomSource(8);
        float[] tokens = Random(count * length * width, 2, ref random);
        double[] r = Random(count * width, 1, ref random).Select(x => (double)x).ToArray();
        var pooled = new float[count * width];
        SequencePooling.Forward(pooling, tokens, lengths, pooled, count, length, width);
        var dTokens = Enumerable.Repeat(9f, tokens.Length).ToArray();
        SequencePooling.Backward(pooling, r.Select(x => (float)x).ToArray(), lengths, dTokens, count, length, width);

        double[] td = ToDouble(tokens);
        double Loss()
        {
            double total = 0;
            for (int b = 0; b < count; b++)
            {
                int used = mean ? lengths[b] : 1;
                for (int i = 0; i < width; i++)
                {
                    double p = Enumerable.Range(0, used).Sum(t => td[(((b * length) + t) * width) + i]) / used;
                    total += p * r[(b * width) + i];
                }
            }

            return total;
        }

        Assert.Equal(Loss(), pooled.Select((x, i) => x * r[i]).Sum(), 1e-5);
        CheckAll("tokens", td, dTokens, Loss);
    }

    private static void CheckAll(string name, double[] parameters, float[] gradient, Func<double> loss)
    {
        const double h = 1e-5;
        int nonZero = 0;
        for (int i = 0; i < parameters.Length; i++)
        {
            double saved = parameters[i];
            parameters[i] = saved + h;
            double up = loss();
            parameters[i] = saved - h;
            double down = loss();
            parameters[i] = saved;
            double numeric = (up - down) / (2 * h);
            double error = Math.Abs(numeric - gradient[i]);
            Assert.True(error <= 1e-5 + (1e-3 * Math.Abs(numeric)), $"{name}[{i}]: back-propagation {gradient[i]}, finite difference {numeric} (error {error:g3}).");
            nonZero += Math.Abs(numeric) > 1e-7 ? 1 : 0;
        }

        Assert.True(nonZero > 0, $"Every gradient of {name} is zero: the check would prove nothing.");
    }

    private static float[] Random(int length, double spread, ref RandomSource random)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() - 0.5) * 2 * spread);
        }

        return values;
    }

    private static double[] ToDouble(float[] values) => values.Select(v => (double)v).ToArray();
}

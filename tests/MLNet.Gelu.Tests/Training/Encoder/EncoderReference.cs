using MLNet.Gelu.Encoder;
using MLNet.Gelu.Tests.TestSupport;

namespace MLNet.Gelu.Tests.Training.Encoder;

/// <summary>
/// The encoder classifier's forward pass and loss in double precision, written from the formulas with no engine code, over
/// a copy of the engine's parameters (which tests perturb for finite differences) and the engine's dropout masks.
/// </summary>
internal sealed class EncoderReference
{
    private readonly EncoderConfiguration _c;
    private readonly EncoderDropoutMasks? _masks;

    public EncoderReference(EncoderWeights weights, EncoderDropoutMasks? masks)
    {
        _c = weights.Configuration;
        _masks = masks;
        Parameters = weights.All.ToDictionary(t => t.Name, t => t.Values.Select(v => (double)v).ToArray());
    }

    /// <summary>The parameters by tensor name, in double.</summary>
    public Dictionary<string, double[]> Parameters { get; }

    /// <summary>Mean cross-entropy of the batch.</summary>
    public double Loss(EncoderBatch batch)
    {
        double[][] logits = Logits(batch);
        double total = 0;
        for (int b = 0; b < batch.Count; b++)
        {
            double max = logits[b].Max();
            total += Math.Log(logits[b].Sum(z => Math.Exp(z - max))) + max - logits[b][batch.Labels![b]];
        }

        return total / batch.Count;
    }

    public double[][] Logits(EncoderBatch batch)
    {
        int n = batch.Length, h = _c.Hidden;
        var result = new double[batch.Count][];
        for (int b = 0; b < batch.Count; b++)
        {
            var x = new double[n][];
            for (int t = 0; t < n; t++)
            {
                int row = (b * n) + t;
                x[t] = new double[h];
                for (int i = 0; i < h; i++)
                {
                    x[t][i] = P("embeddings.word_embeddings.weight")[(batch.TokenIds[row] * h) + i]
                        + P("embeddings.position_embeddings.weight")[(t * h) + i]
                        + P("embeddings.token_type_embeddings.weight")[(batch.TypeIds[row] * h) + i];
                }

                x[t] = Mask(LayerNorm(x[t], "embeddings.LayerNorm"), _masks?.Embedding, row * h);
            }

            for (int l = 0; l < _c.Layers; l++)
            {
                x = Layer(l, x, b, batch);
            }

            if (_c.NormPlacement == EncoderNormPlacement.PreLayerNorm)
            {
                x = x.Select(v => LayerNorm(v, "encoder.final_layer_norm")).ToArray();
            }

            int length = batch.Lengths[b];
            double[] pooled = _c.Pooling == EncoderPooling.Cls
                ? x[0]
                : Enumerable.Range(0, h).Select(i => Enumerable.Range(0, length).Sum(t => x[t][i]) / length).ToArray();
            pooled = Mask(pooled, _masks?.Pooled, b * h);
            result[b] = Dense(pooled, "classifier");
        }

        return result;
    }

    /// <summary>Row-wise LayerNorm with scale <paramref name="gamma"/> and shift <paramref name="beta"/>.</summary>
    public static double[] LayerNorm(double[] x, double[] gamma, double[] beta, double epsilon)
    {
        double mean = x.Average();
        double variance = x.Sum(v => (v - mean) * (v - mean)) / x.Length;
        double inverse = 1 / Math.Sqrt(variance + epsilon);
        return x.Select((v, i) => ((v - mean) * inverse * gamma[i]) + beta[i]).ToArray();
    }

    /// <summary>
    /// One head's attention for one sequence: <c>softmax(q·kᵀ/√d)</c> over the first <paramref name="valid"/> keys, times the
    /// dropout mask (indexed [query, key], or null), times v. q, k, v are length × d.
    /// </summary>
    public static double[][] Attention(double[][] q, double[][] k, double[][] v, int valid, Func<int, int, double>? mask)
    {
        int n = q.Length, d = q[0].Length;
        var context = new double[n][];
        for (int i = 0; i < n; i++)
        {
            var s = new double[valid];
            for (int j = 0; j < valid; j++)
            {
                s[j] = Enumerable.Range(0, d).Sum(e => q[i][e] * k[j][e]) / Math.Sqrt(d);
            }

            double max = s.Max();
            double sum = s.Sum(z => Math.Exp(z - max));
            context[i] = new double[d];
            for (int j = 0; j < valid; j++)
            {
                double p = Math.Exp(s[j] - max) / sum * (mask?.Invoke(i, j) ?? 1);
                for (int e = 0; e < d; e++)
                {
                    context[i][e] += p * v[j][e];
                }
            }
        }

        return context;
    }

    private double[][] Layer(int l, double[][] x, int b, EncoderBatch batch)
    {
        string p = $"encoder.layer.{l}.";
        int n = x.Length, h = _c.Hidden, d = _c.HeadSize;
        bool pre = _c.NormPlacement == EncoderNormPlacement.PreLayerNorm;
        var layerMasks = _masks?.Layers[l];
        double[][] input = pre ? x.Select(v => LayerNorm(v, p + "attention.output.LayerNorm")).ToArray() : x;
        double[][] q = input.Select(v => Dense(v, p + "attention.self.query")).ToArray();
        double[][] k = input.Select(v => Dense(v, p + "attention.self.key")).ToArray();
        double[][] val = input.Select(v => Dense(v, p + "attention.self.value")).ToArray();
        var context = new double[n][];
        for (int t = 0; t < n; t++)
        {
            context[t] = new double[h];
        }

        for (int head = 0; head < _c.Heads; head++)
        {
            double[][] Slice(double[][] m) => m.Select(r => r.Skip(head * d).Take(d).ToArray()).ToArray();
            float[]? am = layerMasks?.Attention is { Length: > 0 } a ? a : null;
            int block = ((b * _c.Heads) + head) * n * n;
            double[][] c = Attention(Slice(q), Slice(k), Slice(val), batch.Lengths[b], am is null ? null : (i, j) => am[block + (i * n) + j]);
            for (int t = 0; t < n; t++)
            {
                Array.Copy(c[t], 0, context[t], head * d, d);
            }
        }

        var middle = new double[n][];
        var output = new double[n][];
        for (int t = 0; t < n; t++)
        {
            int row = (b * n) + t;
            double[] attended = Mask(Dense(context[t], p + "attention.output.dense"), layerMasks?.AttentionOutput, row * h);
            double[] sum = x[t].Zip(attended, (u, v) => u + v).ToArray();
            middle[t] = pre ? sum : LayerNorm(sum, p + "attention.output.LayerNorm");
            double[] ffnInput = pre ? LayerNorm(middle[t], p + "output.LayerNorm") : middle[t];
            double[] activated = Dense(ffnInput, p + "intermediate.dense").Select(u => DoubleReference.Value(_c.Activation, u)).ToArray();
            double[] fed = Mask(Dense(activated, p + "output.dense"), layerMasks?.Output, row * h);
            double[] total = middle[t].Zip(fed, (u, v) => u + v).ToArray();
            output[t] = pre ? total : LayerNorm(total, p + "output.LayerNorm");
        }

        return output;
    }

    private double[] P(string name) => Parameters[name];

    private double[] LayerNorm(double[] x, string prefix) => LayerNorm(x, P(prefix + ".weight"), P(prefix + ".bias"), _c.LayerNormEpsilon);

    /// <summary><c>W·x + b</c> with W stored out × in.</summary>
    private double[] Dense(double[] x, string prefix)
    {
        double[] w = P(prefix + ".weight"), bias = P(prefix + ".bias");
        var z = new double[bias.Length];
        for (int o = 0; o < z.Length; o++)
        {
            double s = bias[o];
            for (int i = 0; i < x.Length; i++)
            {
                s += w[(o * x.Length) + i] * x[i];
            }

            z[o] = s;
        }

        return z;
    }

    private static double[] Mask(double[] x, float[]? mask, int offset)
        => mask is null || mask.Length == 0 ? x : x.Select((v, i) => v * mask[offset + i]).ToArray();
}

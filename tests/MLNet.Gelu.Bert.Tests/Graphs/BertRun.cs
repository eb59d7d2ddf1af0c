using Microsoft.ML.OnnxRuntime;

namespace MLNet.Gelu.Bert.Tests.Graphs;

/// <summary>Runs a BERT once on a fixed batch of 2 × 8 tokens and mean-pools <c>last_hidden_state</c> over the attention mask.</summary>
internal static class BertRun
{
    public const int Batch = 2;
    public const int Sequence = 8;

    // [CLS] hello world is a test sentence [SEP] / [CLS] this is another [SEP] + 3 padding.
    private static readonly long[] Ids = [101, 7592, 2088, 2003, 1037, 3231, 6251, 102, 101, 2023, 2003, 2178, 102, 0, 0, 0];
    private static readonly long[] Mask = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0];

    /// <summary>The last hidden state [2, 8, hidden] and the mean-pooled embeddings [2][hidden].</summary>
    /// <param name="model">The ONNX model.</param>
    /// <param name="optimization">ORT's graph optimization level; <c>ORT_DISABLE_ALL</c> runs the graph as written (no GELU fusion).</param>
    public static (float[] Hidden, float[][] Pooled) Run(byte[] model, GraphOptimizationLevel optimization = GraphOptimizationLevel.ORT_ENABLE_ALL)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 2, GraphOptimizationLevel = optimization };
        using var session = new InferenceSession(model, options);
        var inputs = new List<OrtValue>();
        try
        {
            foreach (string name in session.InputNames)
            {
                long[] data = name switch
                {
                    "input_ids" => Ids,
                    "attention_mask" => Mask,
                    "token_type_ids" => new long[Ids.Length],
                    _ => throw new InvalidOperationException($"Unexpected model input '{name}'."),
                };
                inputs.Add(OrtValue.CreateTensorValueFromMemory(data, [Batch, Sequence]));
            }

            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, session.InputNames, inputs, ["last_hidden_state"]);
            var hidden = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            int width = hidden.Length / (Batch * Sequence);
            var pooled = new float[Batch][];
            for (int b = 0; b < Batch; b++)
            {
                pooled[b] = new float[width];
                int count = 0;
                for (int s = 0; s < Sequence; s++)
                {
                    if (Mask[b * Sequence + s] == 0)
                    {
                        continue;
                    }

                    count++;
                    for (int h = 0; h < width; h++)
                    {
                        pooled[b][h] += hidden[(b * Sequence + s) * width + h];
                    }
                }

                for (int h = 0; h < width; h++)
                {
                    pooled[b][h] /= count;
                }
            }

            return (hidden, pooled);
        }
        finally
        {
            inputs.ForEach(v => v.Dispose());
        }
    }

    /// <summary>The smallest cosine similarity between matching rows.</summary>
    public static double MinCosine(float[][] a, float[][] b) =>
        a.Zip(b, (u, v) =>
        {
            double dot = 0, nu = 0, nv = 0;
            for (int i = 0; i < u.Length; i++)
            {
                dot += (double)u[i] * v[i];
                nu += (double)u[i] * u[i];
                nv += (double)v[i] * v[i];
            }

            return dot / Math.Sqrt(nu * nv);
        }).Min();

    /// <summary>The largest absolute difference between two arrays.</summary>
    public static double MaxAbsDiff(float[] a, float[] b) => a.Zip(b, (u, v) => Math.Abs((double)u - v)).Max();
}

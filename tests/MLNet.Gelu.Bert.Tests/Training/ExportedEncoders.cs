using Microsoft.ML.OnnxRuntime;
using MLNet.Gelu.Encoder;

namespace MLNet.Gelu.Bert.Tests.Training;

/// <summary>Small trained encoders, padded batches, and raw ONNX Runtime runs of exported models for the export tests.</summary>
internal static class ExportedEncoders
{
    public static (EncoderNormPlacement Placement, EncoderPooling Pooling) Shape(bool preLayerNorm, bool meanPooling) =>
        (preLayerNorm ? EncoderNormPlacement.PreLayerNorm : EncoderNormPlacement.PostLayerNorm, meanPooling ? EncoderPooling.Mean : EncoderPooling.Cls);

    /// <summary>A small encoder with spread-out random weights (every nonlinearity exercised), then trained 2 epochs on a toy task
    /// (label: whether token 5 occurs), so the exported parameters are ones the trainer wrote.</summary>
    public static EncoderWeights Trained(Activation activation, EncoderNormPlacement placement, EncoderPooling pooling, int vocabulary = 40, int classes = 3, ulong seed = 7)
    {
        var configuration = new EncoderConfiguration(vocabulary, MaxPositions: 16, TypeVocabularySize: 2, Hidden: 16, Layers: 2, Heads: 4, Intermediate: 32,
            activation, placement, pooling, classes, LayerNormEpsilon: 1e-6f, HiddenDropout: 0.1f, AttentionDropout: 0.1f);
        var weights = new EncoderWeights(configuration);
        var random = new RandomSource(seed);
        foreach (var tensor in weights.All)
        {
            for (int i = 0; i < tensor.Values.Length; i++)
            {
                tensor.Values[i] = tensor.Kind switch
                {
                    EncoderTensorKind.Matrix => (float)(random.NextGaussian() * 0.4),
                    EncoderTensorKind.NormScale => (float)(0.7 + (0.6 * random.NextDouble())),
                    _ => (float)((random.NextDouble() - 0.5) * 0.6),
                };
            }
        }

        var examples = new List<EncoderExample>();
        for (int n = 0; n < 24; n++)
        {
            var ids = Enumerable.Range(0, 3 + random.NextInt(10)).Select(_ => 1 + random.NextInt(Math.Min(vocabulary, 40) - 1)).ToArray();
            examples.Add(new EncoderExample(ids, null, (ids.Contains(5) ? 1 : n % 3 == 0 ? 2 : 0) % classes));
        }

        new EncoderTrainer(weights, new EncoderTrainingOptions(Epochs: 2, BatchSize: 8, LearningRate: 1e-3, Seed: seed, Threads: 1)).Train(examples);
        return weights;
    }

    /// <summary>Sequences of the given lengths, padded with id 0 to the longest, random ids in [1, 40) and both token types.</summary>
    public static EncoderBatch Batch(int[] lengths, ulong seed)
    {
        var random = new RandomSource(seed);
        int length = lengths.Max(), rows = lengths.Length * length;
        var ids = new int[rows];
        var types = new int[rows];
        for (int b = 0; b < lengths.Length; b++)
        {
            for (int t = 0; t < lengths[b]; t++)
            {
                ids[(b * length) + t] = 1 + random.NextInt(39);
                types[(b * length) + t] = t >= lengths[b] / 2 ? 1 : 0;
            }
        }

        return new EncoderBatch(lengths.Length, length, ids, types, lengths, null);
    }

    /// <summary>The engine's forward pass (no dropout) over <paramref name="batch"/>.</summary>
    public static EncoderNetwork Forward(EncoderWeights weights, EncoderBatch batch)
    {
        var network = new EncoderNetwork(weights, batch.Count, batch.Length, threads: 1);
        var random = new RandomSource(1);
        network.Forward(batch, training: false, ref random);
        return network;
    }

    /// <summary>Runs the exported model on <paramref name="batch"/> (padding masked) and returns the requested outputs.</summary>
    public static float[][] Run(byte[] onnx, EncoderBatch batch, params string[] outputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(onnx, options);
        long[] shape = [batch.Count, batch.Length];
        var mask = new long[batch.Rows];
        for (int row = 0; row < batch.Rows; row++)
        {
            mask[row] = row % batch.Length < batch.Lengths[row / batch.Length] ? 1 : 0;
        }

        using var ids = OrtValue.CreateTensorValueFromMemory(batch.TokenIds.Select(i => (long)i).ToArray(), shape);
        using var masks = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var types = OrtValue.CreateTensorValueFromMemory(batch.TypeIds.Select(i => (long)i).ToArray(), shape);
        using var run = new RunOptions();
        using var results = session.Run(run, ["input_ids", "attention_mask", "token_type_ids"], [ids, masks, types], outputs);
        return results.Select(r => r.GetTensorDataAsSpan<float>().ToArray()).ToArray();
    }
}

using MLNet.Gelu.Encoder;

namespace MLNet.Gelu.Tests.Training.Encoder;

/// <summary>Tiny encoders and batches for gradient checks and determinism tests.</summary>
internal static class EncoderTestModels
{
    public static EncoderConfiguration Tiny(
        Activation activation = Activation.Gelu,
        EncoderNormPlacement placement = EncoderNormPlacement.PostLayerNorm,
        EncoderPooling pooling = EncoderPooling.Cls,
        float dropout = 0,
        float attentionDropout = 0)
        => new(VocabularySize: 11, MaxPositions: 6, TypeVocabularySize: 2, Hidden: 8, Layers: 2, Heads: 2, Intermediate: 12,
            activation, placement, pooling, Classes: 3, LayerNormEpsilon: 1e-5f, HiddenDropout: dropout, AttentionDropout: attentionDropout);

    /// <summary>Weights with spreads large enough that every nonlinearity is exercised: matrices N(0, 0.5²), biases and
    /// LayerNorm shifts U(±0.3), LayerNorm scales U(0.7, 1.3).</summary>
    public static EncoderWeights RandomWeights(EncoderConfiguration configuration, ulong seed)
    {
        var weights = new EncoderWeights(configuration);
        var random = new RandomSource(seed);
        foreach (var tensor in weights.All)
        {
            for (int i = 0; i < tensor.Values.Length; i++)
            {
                tensor.Values[i] = tensor.Kind switch
                {
                    EncoderTensorKind.Matrix => (float)(random.NextGaussian() * 0.5),
                    EncoderTensorKind.NormScale => (float)(0.7 + (0.6 * random.NextDouble())),
                    _ => (float)((random.NextDouble() - 0.5) * 0.6),
                };
            }
        }

        return weights;
    }

    /// <summary>Three sequences padded to length 5 (lengths 5, 3, 2), with both token types, random ids and labels 0..2.</summary>
    public static EncoderBatch Batch(ulong seed)
    {
        var random = new RandomSource(seed);
        int[] lengths = [5, 3, 2];
        var ids = new int[15];
        var types = new int[15];
        for (int b = 0; b < 3; b++)
        {
            for (int t = 0; t < 5; t++)
            {
                ids[(b * 5) + t] = t < lengths[b] ? 1 + random.NextInt(10) : 0;
                types[(b * 5) + t] = t < lengths[b] && t >= 2 ? 1 : 0;
            }
        }

        return new EncoderBatch(3, 5, ids, types, lengths, [0, 2, 1]);
    }
}

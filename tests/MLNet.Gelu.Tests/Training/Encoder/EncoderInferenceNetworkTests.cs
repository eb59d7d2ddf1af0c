using MLNet.Gelu.Encoder;

namespace MLNet.Gelu.Tests.Training.Encoder;

/// <summary>
/// The network the classifier's batched scoring builds: sized to a token budget and without dropout masks. It computes the
/// same logits, bit for bit, as a network sized for training, and refuses what it was not built for.
/// </summary>
public class EncoderInferenceNetworkTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_inference_network_sized_by_tokens_gives_the_training_networks_logits_and_refuses_a_training_pass(bool preLayerNorm)
    {
        var placement = preLayerNorm ? EncoderNormPlacement.PreLayerNorm : EncoderNormPlacement.PostLayerNorm;
        var weights = EncoderTestModels.RandomWeights(EncoderTestModels.Tiny(placement: placement, dropout: 0.1f, attentionDropout: 0.1f), seed: 3);
        var batch = EncoderTestModels.Batch(seed: 4);
        var random = new RandomSource(1);

        var full = new EncoderNetwork(weights, maxBatch: 4, maxLength: 6, threads: 1);
        full.Forward(batch, training: false, ref random);
        float[] expected = full.Logits.ToArray();

        var lean = new EncoderNetwork(weights, maxBatch: 4, maxLength: 6, threads: 1, maxRows: batch.Rows, inference: true);
        lean.Forward(batch, training: false, ref random);
        Assert.Equal(expected, lean.Logits.ToArray());

        var refused = Assert.Throws<InvalidOperationException>(() => lean.Forward(batch, training: true, ref random));
        Assert.Contains("inference", refused.Message, StringComparison.Ordinal);

        var small = new EncoderNetwork(weights, maxBatch: 4, maxLength: 6, threads: 1, maxRows: batch.Rows - 1, inference: true);
        var tooMany = Assert.Throws<ArgumentOutOfRangeException>(() => small.Forward(batch, training: false, ref random));
        Assert.Contains("positions", tooMany.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new EncoderNetwork(weights, maxBatch: 4, maxLength: 6, threads: 1, maxRows: 5, inference: true));
    }
}

using MLNet.Gelu.Encoder;

namespace MLNet.Gelu.Tests.Training.Encoder;

public class EncoderDeterminismTests
{
    [Fact]
    public void Training_with_a_seed_gives_the_same_bits_every_run_and_on_one_or_two_threads()
    {
        float[][] first = Train(seed: 5, threads: 2);
        float[][] again = Train(seed: 5, threads: 2);
        float[][] oneThread = Train(seed: 5, threads: 1);
        float[][] otherSeed = Train(seed: 6, threads: 2);
        for (int t = 0; t < first.Length; t++)
        {
            Assert.Equal(first[t], again[t]);
            Assert.Equal(first[t], oneThread[t]);
        }

        Assert.Contains(Enumerable.Range(0, first.Length), t => !first[t].AsSpan().SequenceEqual(otherSeed[t]));
    }

    /// <summary>Six AdamW steps with every dropout on, on sequences long enough that the matrix products run on several threads.</summary>
    private static float[][] Train(ulong seed, int threads)
    {
        var configuration = new EncoderConfiguration(
            VocabularySize: 50, MaxPositions: 64, TypeVocabularySize: 2, Hidden: 64, Layers: 2, Heads: 4, Intermediate: 128,
            Activation.Gelu, EncoderNormPlacement.PostLayerNorm, EncoderPooling.Mean, Classes: 2, HiddenDropout: 0.1f, AttentionDropout: 0.1f);
        var weights = new EncoderWeights(configuration);
        var random = new RandomSource(seed);
        weights.Initialize(ref random);
        var data = new RandomSource(99);
        var examples = Enumerable.Range(0, 48)
            .Select(i => new EncoderExample(Enumerable.Range(0, 20 + data.NextInt(44)).Select(_ => data.NextInt(50)).ToArray(), null, i % 2))
            .ToArray();
        new EncoderTrainer(weights, new EncoderTrainingOptions(Epochs: 1, BatchSize: 8, LearningRate: 1e-3, Seed: seed, Threads: threads)).Train(examples);
        return weights.All.Select(t => t.Values).ToArray();
    }
}

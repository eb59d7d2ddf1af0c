using MLNet.Gelu.Encoder;

namespace MLNet.Gelu.Tests.Training.Encoder;

public class EncoderDeterminismTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Training_with_a_seed_gives_the_same_bits_every_run_and_on_one_two_or_three_threads(bool preLayerNorm)
    {
        var placement = preLayerNorm ? EncoderNormPlacement.PreLayerNorm : EncoderNormPlacement.PostLayerNorm;
        float[][] first = Train(seed: 5, threads: 2, placement);
        float[][] again = Train(seed: 5, threads: 2, placement);
        float[][] oneThread = Train(seed: 5, threads: 1, placement);
        float[][] threeThreads = Train(seed: 5, threads: 3, placement);
        float[][] otherSeed = Train(seed: 6, threads: 2, placement);
        for (int t = 0; t < first.Length; t++)
        {
            Assert.Equal(first[t], again[t]);
            Assert.Equal(first[t], oneThread[t]);
            Assert.Equal(first[t], threeThreads[t]);
        }

        Assert.Contains(Enumerable.Range(0, first.Length), t => !first[t].AsSpan().SequenceEqual(otherSeed[t]));
    }

    /// <summary>
    /// Three AdamW steps with every dropout on, on batches of 32 sequences long enough (about 2,000 positions × 128, twice
    /// the per-worker minimum) that the matrix products and the element-wise passes (<see cref="ParallelPasses"/>:
    /// LayerNorm, bias rows and sums, residuals, masks) run on several threads.
    /// </summary>
    private static float[][] Train(ulong seed, int threads, EncoderNormPlacement placement)
    {
        var configuration = new EncoderConfiguration(
            VocabularySize: 50, MaxPositions: 64, TypeVocabularySize: 2, Hidden: 128, Layers: 2, Heads: 4, Intermediate: 256,
            Activation.Gelu, placement, EncoderPooling.Mean, Classes: 2, HiddenDropout: 0.1f, AttentionDropout: 0.1f);
        var weights = new EncoderWeights(configuration);
        var random = new RandomSource(seed);
        weights.Initialize(ref random);
        var data = new RandomSource(99);
        var examples = Enumerable.Range(0, 96)
            .Select(i => new EncoderExample(Enumerable.Range(0, 48 + data.NextInt(16)).Select(_ => data.NextInt(50)).ToArray(), null, i % 2))
            .ToArray();
        new EncoderTrainer(weights, new EncoderTrainingOptions(Epochs: 1, BatchSize: 32, LearningRate: 1e-3, Seed: seed, Threads: threads)).Train(examples);
        return weights.All.Select(t => t.Values).ToArray();
    }
}

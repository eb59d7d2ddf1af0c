using MLNet.Gelu.Encoder;
using Xunit.Abstractions;

namespace MLNet.Gelu.Tests.Training.Encoder;

/// <summary>
/// From-scratch training on a task only attention can solve: is the token after the first marker equal to the token after
/// the second? The markers sit at random positions among random filler, so the answer is a relation between two distant
/// tokens that the <c>[CLS]</c> vector must gather. Chance is 50 %.
/// </summary>
public class EncoderTrainingTests(ITestOutputHelper output)
{
    private const int Cls = 1, Marker = 2, Symbols = 4, FirstSymbol = 3, FirstFiller = FirstSymbol + Symbols, Fillers = 8, Length = 12;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_small_encoder_learns_whether_two_marked_tokens_are_equal(bool preLayerNorm)
    {
        var configuration = new EncoderConfiguration(
            VocabularySize: FirstFiller + Fillers, MaxPositions: Length, TypeVocabularySize: 1, Hidden: 32, Layers: 2, Heads: 4, Intermediate: 64,
            Activation.Gelu, preLayerNorm ? EncoderNormPlacement.PreLayerNorm : EncoderNormPlacement.PostLayerNorm, EncoderPooling.Cls, Classes: 2,
            HiddenDropout: 0, AttentionDropout: 0);
        var weights = new EncoderWeights(configuration);
        var random = new RandomSource(3);
        weights.Initialize(ref random);
        var train = Examples(2000, seed: 1);
        var test = Examples(400, seed: 2);
        var losses = new EncoderTrainer(weights, new EncoderTrainingOptions(Epochs: 12, BatchSize: 32, LearningRate: 3e-3, WarmupFraction: 0.05, Seed: 4, Threads: 2))
            .Train(train);

        float[] logits = EncoderTrainer.Predict(weights, test, batchSize: 64, threads: 2);
        int correct = Enumerable.Range(0, test.Length).Count(i => (logits[(2 * i) + 1] > logits[2 * i] ? 1 : 0) == test[i].Label);
        double accuracy = (double)correct / test.Length;
        output.WriteLine($"accuracy {accuracy:P1}; epoch losses {string.Join(", ", losses.Select(l => l.ToString("F3")))}");
        Assert.True(losses[^1] < losses[0], $"Training loss did not fall: {string.Join(", ", losses.Select(l => l.ToString("F3")))}.");
        Assert.True(accuracy >= 0.9, $"Held-out accuracy {accuracy:P1} (chance 50 %); epoch losses {string.Join(", ", losses.Select(l => l.ToString("F3")))}.");
    }

    private static EncoderExample[] Examples(int count, ulong seed)
    {
        var random = new RandomSource(seed);
        var examples = new EncoderExample[count];
        for (int n = 0; n < count; n++)
        {
            int length = 8 + random.NextInt(Length - 7);
            var ids = new int[length];
            ids[0] = Cls;
            for (int t = 1; t < length; t++)
            {
                ids[t] = FirstFiller + random.NextInt(Fillers);
            }

            int first = 1 + random.NextInt((length - 3) / 2);
            int second = first + 2 + random.NextInt(length - first - 3);
            int a = random.NextInt(Symbols);
            int label = random.NextInt(2);
            int b = label == 1 ? a : (a + 1 + random.NextInt(Symbols - 1)) % Symbols;
            ids[first] = Marker;
            ids[first + 1] = FirstSymbol + a;
            ids[second] = Marker;
            ids[second + 1] = FirstSymbol + b;
            examples[n] = new EncoderExample(ids, null, label);
        }

        return examples;
    }
}

using MLNet.Gelu.Datasets;

namespace ActivationExperiments.Experiments;

/// <summary>The UCI sentiment sentences in one fixed shuffle, cut into 70 / 15 / 15 % train / validation / test.</summary>
internal sealed class SentimentCorpus
{
    /// <summary>Seed of the one shuffle that fixes which sentences are used and the split.</summary>
    public const int SplitSeed = 2015;

    private SentimentCorpus(IReadOnlyList<SentimentSentence> sentences)
    {
        Sentences = sentences;
        TrainCount = (int)Math.Round(sentences.Count * 0.70);
        ValidationCount = (int)Math.Round(sentences.Count * 0.15);
        TestCount = sentences.Count - TrainCount - ValidationCount;
    }

    public IReadOnlyList<SentimentSentence> Sentences { get; }

    public int TrainCount { get; }

    public int ValidationCount { get; }

    public int TestCount { get; }

    public IReadOnlyList<string?> Texts => [.. Sentences.Select(s => (string?)s.Text)];

    /// <summary>The first <paramref name="count"/> sentences of the fixed shuffle of all 3,000.</summary>
    public static SentimentCorpus Load(int count)
    {
        var all = UciSentiment.Load();
        var order = LabelledRows.FixedShuffle(all.Count, SplitSeed);
        return new SentimentCorpus([.. order.Take(Math.Min(count, all.Count)).Select(i => all[i])]);
    }

    /// <summary>Splits embeddings of <see cref="Sentences"/> (same order) into train, validation and test rows.</summary>
    public (LabelledRows Train, LabelledRows Validation, LabelledRows Test) Split(float[][] embeddings)
    {
        var labels = Sentences.Select(s => s.Positive ? 1 : 0).ToArray();
        return (
            LabelledRows.Gather(embeddings, labels, Enumerable.Range(0, TrainCount)),
            LabelledRows.Gather(embeddings, labels, Enumerable.Range(TrainCount, ValidationCount)),
            LabelledRows.Gather(embeddings, labels, Enumerable.Range(TrainCount + ValidationCount, TestCount)));
    }
}

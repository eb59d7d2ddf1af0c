using System.Diagnostics;
using ActivationExperiments.Statistics;
using MLNet.Gelu;
using MLNet.Gelu.Bert;

namespace ActivationExperiments.Experiments;

/// <summary>
/// Embeds the sentiment corpus with MiniLM and with each rewritten variant (once each, kept in memory), then
/// (a) trains a small head with every activation on the original embeddings and
/// (b) compares each variant's embeddings with the original's and trains a GELU head on them.
/// </summary>
internal static class SentimentExperiment
{
    /// <summary>How one MiniLM variant compares with the original.</summary>
    public sealed record VariantResult(
        string Variant, string Rewrite, double MeanCosine, double MinCosine, double TopOverlap, double MeanSpearman,
        double SentencesPerSecond, IReadOnlyList<ClassifierRun> Heads);

    public sealed record Result(
        int Sentences, int Train, int Validation, int Test, int Queries, int NeighbourCount,
        IReadOnlyList<ClassifierRun> HeadsByActivation, IReadOnlyList<VariantResult> Variants, double Seconds);

    /// <summary>Neighbours compared per query.</summary>
    public const int NeighbourCount = 10;

    public static Result Run(ExperimentSettings settings, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        var corpus = SentimentCorpus.Load(settings.Sentences);
        log.WriteLine($"Sentiment: {corpus.Sentences.Count} sentences, {corpus.TrainCount} train / {corpus.ValidationCount} validation / " +
            $"{corpus.TestCount} test, MiniLM embeddings (384) -> MLP 1 x 128, {settings.SentimentSeeds} seeds, {settings.SentimentEpochs} epochs");

        var (original, originalRate, _) = Embed(null, corpus, log);
        var queries = LabelledRows.FixedShuffle(corpus.Sentences.Count, 7).Take(settings.NeighbourQueries).ToArray();
        var originalSimilarities = queries.Select(q => Ranking.SimilaritiesFrom(original, q)).ToArray();

        var headsByActivation = Enum.GetValues<Activation>()
            .SelectMany(activation => TrainHeads(corpus, original, activation, settings, log, "original"))
            .ToList();

        var variants = new List<VariantResult>
        {
            new(MiniLmVariants.Original, "unchanged", 1, 1, 1, 1, originalRate,
                [.. headsByActivation.Where(r => r.Activation == Activation.Gelu)]),
        };
        foreach (var target in MiniLmVariants.Targets)
        {
            var (embeddings, rate, rewrite) = Embed(target, corpus, log);
            var cosines = Enumerable.Range(0, embeddings.Length).Select(i => Ranking.Cosine(original[i], embeddings[i])).ToArray();
            double overlap = 0, spearman = 0;
            for (int q = 0; q < queries.Length; q++)
            {
                var similarities = Ranking.SimilaritiesFrom(embeddings, queries[q]);
                var before = Ranking.TopK(originalSimilarities[q], NeighbourCount);
                overlap += (double)before.Intersect(Ranking.TopK(similarities, NeighbourCount)).Count() / NeighbourCount;
                spearman += Ranking.Spearman(originalSimilarities[q], similarities);
            }

            var heads = TrainHeads(corpus, embeddings, Activation.Gelu, settings, log, target.ToString());
            variants.Add(new VariantResult(
                target.ToString(), rewrite, cosines.Average(), cosines.Min(), overlap / queries.Length, spearman / queries.Length, rate, heads));
            log.WriteLine($"  {target,-11} cosine mean {cosines.Average():F6} min {cosines.Min():F6}, top-{NeighbourCount} overlap " +
                $"{overlap / queries.Length:P1}, Spearman {spearman / queries.Length:F4}");
        }

        return new Result(
            corpus.Sentences.Count, corpus.TrainCount, corpus.ValidationCount, corpus.TestCount, queries.Length, NeighbourCount,
            headsByActivation, variants, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Embeds the corpus once; the rate excludes model loading and a warm-up batch.</summary>
    private static (float[][] Embeddings, double Rate, string Rewrite) Embed(Activation? target, SentimentCorpus corpus, TextWriter log)
    {
        var loading = Stopwatch.StartNew();
        var (model, report) = MiniLmVariants.Create(target);
        var options = new BertEmbedderOptions
        {
            // One session at a time; no spinning threads left behind to steal the cores from the MLP training.
            SessionConfigEntries = new Dictionary<string, string> { ["session.intra_op.allow_spinning"] = "0" },
        };
        using var embedder = new BertEmbedder(model, options);
        var texts = corpus.Texts;
        embedder.Embed([.. texts.Take(32)]);
        double loadSeconds = loading.Elapsed.TotalSeconds;
        var clock = Stopwatch.StartNew();
        var embeddings = embedder.Embed(texts);
        double rate = texts.Count / clock.Elapsed.TotalSeconds;
        log.WriteLine($"  embedded {texts.Count} sentences with {target?.ToString() ?? MiniLmVariants.Original} ({report}): " +
            $"{rate:F0} sentences/s (+{loadSeconds:F1} s to rewrite, load and warm up)");
        return (embeddings, rate, report);
    }

    private static List<ClassifierRun> TrainHeads(
        SentimentCorpus corpus, float[][] embeddings, Activation activation, ExperimentSettings settings, TextWriter log, string variant)
    {
        var (train, validation, test) = corpus.Split(embeddings);
        var runs = Enumerable.Range(1, settings.SentimentSeeds)
            .Select(seed => ClassifierRun.Train(
                train, validation, test, 2, activation, settings.SentimentHiddenLayers, settings.SentimentLearningRate,
                settings.SentimentBatchSize, settings.SentimentEpochs, seed))
            .ToList();
        var accuracy = Summary.Of(runs.Select(r => 1 - r.TestError));
        log.WriteLine($"  head {activation,-11} on {variant} embeddings: median test accuracy {accuracy.Median:P2} " +
            $"(min {accuracy.Min:P2}, max {accuracy.Max:P2}, {accuracy.Count} seeds)");
        return runs;
    }
}

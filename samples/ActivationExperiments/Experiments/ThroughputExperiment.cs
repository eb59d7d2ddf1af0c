using System.Diagnostics;
using ActivationExperiments.Statistics;
using MLNet.Gelu;
using MLNet.Gelu.Bert;

namespace ActivationExperiments.Experiments;

/// <summary>
/// Embedding throughput of MiniLM and each rewritten variant, measured in interleaved rounds (every round times each
/// variant once, in a rotated order) so that load from other processes spreads over all variants alike.
/// </summary>
internal static class ThroughputExperiment
{
    /// <summary>Sentences per second of one variant, one value per round.</summary>
    public sealed record VariantRate(string Variant, IReadOnlyList<double> SentencesPerSecond);

    public sealed record Result(int Sentences, int Rounds, IReadOnlyList<VariantRate> Variants, double Seconds);

    public static Result Run(ExperimentSettings settings, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        var texts = SentimentCorpus.Load(settings.ThroughputSentences).Texts;
        log.WriteLine($"Throughput: {texts.Count} sentences per pass, {settings.ThroughputRounds} interleaved rounds, {Environment.ProcessorCount} threads");
        var options = new BertEmbedderOptions
        {
            // Several sessions are alive at once: idle ones must not spin on the cores the timed one needs.
            SessionConfigEntries = new Dictionary<string, string> { ["session.intra_op.allow_spinning"] = "0" },
        };
        Activation?[] targets = [null, .. MiniLmVariants.Targets.Select(t => (Activation?)t)];
        var embedders = targets.Select(t => new BertEmbedder(MiniLmVariants.Create(t).Model, options)).ToArray();
        try
        {
            var rates = targets.Select(_ => new List<double>()).ToArray();
            foreach (var embedder in embedders)
            {
                embedder.Embed([.. texts.Take(32)]);
            }

            for (int round = 0; round < settings.ThroughputRounds; round++)
            {
                for (int k = 0; k < embedders.Length; k++)
                {
                    int v = (k + round) % embedders.Length;
                    var pass = Stopwatch.StartNew();
                    embedders[v].Embed(texts);
                    rates[v].Add(texts.Count / pass.Elapsed.TotalSeconds);
                }
            }

            var variants = targets.Select((t, v) => new VariantRate(t?.ToString() ?? MiniLmVariants.Original, rates[v])).ToList();
            foreach (var variant in variants)
            {
                log.WriteLine($"  {variant.Variant,-11} median {Summary.MedianOf(variant.SentencesPerSecond):F0} sentences/s " +
                    $"({string.Join(", ", variant.SentencesPerSecond.Select(r => r.ToString("F0")))})");
            }

            return new Result(texts.Count, settings.ThroughputRounds, variants, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            foreach (var embedder in embedders)
            {
                embedder.Dispose();
            }
        }
    }
}

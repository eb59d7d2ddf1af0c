using System.Diagnostics;
using Microsoft.ML;
using MLNet.Gelu;
using MLNet.Gelu.Bert;

namespace ActivationExperiments.Experiments;

/// <summary>
/// Fine-tunes all-MiniLM-L6-v2 on the UCI sentiment split with the binary <c>BertClassifier</c> trainer (its default
/// options: 3 epochs, AdamW 5e-5), once with its own GELU and once with each other activation put in its feed-forward
/// blocks before fine-tuning: does fine-tuning recover what the swap at inference time loses? Too slow for the quick run.
/// </summary>
internal static class FineTuneExperiment
{
    /// <summary>One fine-tuned classifier scored on the test sentences.</summary>
    public sealed record Run(string Variant, int Seed, double Accuracy, double Auc, double Seconds);

    public sealed record Result(int Train, int Test, int Epochs, IReadOnlyList<Run> Runs, double Seconds);

    public static Result Execute(ExperimentSettings settings, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        var corpus = SentimentCorpus.Load(settings.Sentences);
        var rows = corpus.Sentences.Select(s => new Row { Text = s.Text, Label = s.Positive }).ToArray();
        var train = rows[..corpus.TrainCount];
        var test = rows[(corpus.TrainCount + corpus.ValidationCount)..];
        log.WriteLine($"Fine-tuning MiniLM: {train.Length} train / {test.Length} test sentences, {settings.FineTuneEpochs} epochs, {settings.FineTuneSeeds} seeds per activation");
        var runs = new List<Run>();
        foreach (var target in MiniLmVariants.Targets)
        {
            // The model's own activation is exact GELU: keep it rather than swapping it for itself.
            Activation? swap = target == Activation.Gelu ? null : target;
            for (int seed = 1; seed <= settings.FineTuneSeeds; seed++)
            {
                var started = Stopwatch.StartNew();
                var ml = new MLContext(seed);
                var model = ml.BinaryClassification.Trainers.BertClassifier(new BertClassifierOptions
                {
                    Activation = swap,
                    Epochs = settings.FineTuneEpochs,
                    Seed = seed,
                    Threads = Environment.ProcessorCount,
                }).Fit(ml.Data.LoadFromEnumerable(train));
                var metrics = ml.BinaryClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(test)));
                var run = new Run(swap?.ToString() ?? MiniLmVariants.Original, seed, metrics.Accuracy, metrics.AreaUnderRocCurve, started.Elapsed.TotalSeconds);
                runs.Add(run);
                log.WriteLine($"  {run.Variant,-11} seed {seed}: test accuracy {run.Accuracy:P2}, AUC {run.Auc:F4}, {run.Seconds / 60:F1} min");
            }
        }

        return new Result(train.Length, test.Length, settings.FineTuneEpochs, runs, clock.Elapsed.TotalSeconds);
    }

    private sealed class Row
    {
        public string Text { get; set; } = string.Empty;

        public bool Label { get; set; }
    }
}

using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using MLNet.Gelu.Bert;

namespace MLNet.Gelu.Benchmarks.Training;

/// <summary>
/// <c>--finetune-uci [--from-scratch] [--seeds 1,2,3]</c>: fine-tunes MiniLM with the ML.NET door (binary BertClassifier,
/// default options, 2 threads), or with <c>--from-scratch</c> trains the default small encoder (<see cref="BertEncoderShape"/>)
/// from scratch, on the experiments' UCI split (one fixed shuffle, seed 2015: 70 % train, the last 15 % test; the validation
/// 15 % is not used) and reports held-out accuracy and AUC per seed, with the wall time of each run.
/// </summary>
internal static class FineTuneUciBench
{
    public static int Run(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        int i = Array.IndexOf(args, "--seeds");
        int[] seeds = i >= 0 && i + 1 < args.Length ? args[i + 1].Split(',').Select(int.Parse).ToArray() : [1];
        BertEncoderShape? fromScratch = args.Contains("--from-scratch") ? new BertEncoderShape() : null;
        var rows = UciSplit.Shuffled();
        int train = (int)Math.Round(rows.Length * 0.70), validation = (int)Math.Round(rows.Length * 0.15);
        var accuracies = new List<double>();
        foreach (int seed in seeds)
        {
            var ml = new MLContext(seed: seed);
            var clock = Stopwatch.StartNew();
            var model = ml.BinaryClassification.Trainers.BertClassifier(new BertClassifierOptions { FromScratch = fromScratch, Seed = seed, Threads = WorkRegistry.Threads })
                .Fit(ml.Data.LoadFromEnumerable(rows.Take(train)));
            double trainSeconds = clock.Elapsed.TotalSeconds;
            var metrics = ml.BinaryClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(rows.Skip(train + validation))));
            accuracies.Add(metrics.Accuracy);
            Console.WriteLine($"seed {seed}: {(fromScratch is null ? "fine-tuned" : "from scratch")}, {train} training sentences, 3 epochs: " +
                $"held-out accuracy {metrics.Accuracy:P2} on {rows.Length - train - validation}, " +
                $"AUC {metrics.AreaUnderRocCurve:F4}; training {trainSeconds / 60:F1} min, evaluation {(clock.Elapsed.TotalSeconds - trainSeconds):F0} s");
        }

        var sorted = accuracies.Order().ToArray();
        Console.WriteLine($"median accuracy over {sorted.Length} seed(s): {sorted[sorted.Length / 2]:P2}");
        return 0;
    }
}

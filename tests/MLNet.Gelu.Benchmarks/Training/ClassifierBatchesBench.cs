using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using MLNet.Gelu.Bert;

namespace MLNet.Gelu.Benchmarks.Training;

/// <summary>
/// <c>--classifier-batches [--train N] [--test N] [--rounds R] [--budget T]</c>: fine-tunes MiniLM with the binary BertClassifier for one
/// epoch on N UCI sentences (default 300), then times <c>Transform</c> + <c>Evaluate</c> over the next N test sentences
/// (default 450) row by row (one encoder run per row, the prediction engine's path) and batched (the default
/// <c>Transform</c>), alternating R rounds (default 3), with batches of at most T positions (default: the classifier's 512), and reports the best of each, their ratio and whether the metrics agree.
/// </summary>
internal static class ClassifierBatchesBench
{
    public static int Run(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        int Arg(string name, int fallback) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
        int train = Arg("--train", 300), test = Arg("--test", 450), rounds = Arg("--rounds", 3), budget = Arg("--budget", 0);
        var rows = UciSplit.Shuffled();
        var ml = new MLContext(seed: 1);
        var clock = Stopwatch.StartNew();
        var model = ml.BinaryClassification.Trainers.BertClassifier(new BertClassifierOptions { Epochs = 1, Seed = 1, Threads = WorkRegistry.Threads })
            .Fit(ml.Data.LoadFromEnumerable(rows.Take(train)));
        if (budget > 0)
        {
            model = model.WithBatching(model.Batching with { TokenBudget = budget }, model.WindowRows, model.WindowTokens);
        }

        Console.WriteLine($"batches of at most {model.Batching.TokenBudget} positions; " +
            $"fine-tuned MiniLM, 1 epoch on {train} sentences, {WorkRegistry.Threads} threads: {clock.Elapsed.TotalSeconds:F0} s");
        var data = ml.Data.LoadFromEnumerable(rows.Skip(train).Take(test));
        double bestSingle = double.MaxValue, bestBatched = double.MaxValue;
        for (int round = 0; round < rounds; round++)
        {
            var (single, singleMetrics) = Time(() => ml.BinaryClassification.Evaluate(model.TransformRowByRow(data)));
            var (batched, batchedMetrics) = Time(() => ml.BinaryClassification.Evaluate(model.Transform(data)));
            bestSingle = Math.Min(bestSingle, single);
            bestBatched = Math.Min(bestBatched, batched);
            bool same = singleMetrics.Accuracy == batchedMetrics.Accuracy && singleMetrics.AreaUnderRocCurve == batchedMetrics.AreaUnderRocCurve
                && singleMetrics.LogLoss == batchedMetrics.LogLoss;
            Console.WriteLine($"round {round + 1}: row by row {single:F2} s, batched {batched:F2} s ({single / batched:F2}x); " +
                $"accuracy {batchedMetrics.Accuracy:P2}, AUC {batchedMetrics.AreaUnderRocCurve:F4}, metrics identical: {same}");
        }

        Console.WriteLine($"best of {rounds}: Transform + Evaluate over {test} test sentences, row by row {bestSingle:F2} s " +
            $"({test / bestSingle:F0} rows/s), batched {bestBatched:F2} s ({test / bestBatched:F0} rows/s): {bestSingle / bestBatched:F2}x");
        return 0;
    }

    private static (double Seconds, T Result) Time<T>(Func<T> run)
    {
        var clock = Stopwatch.StartNew();
        var result = run();
        return (clock.Elapsed.TotalSeconds, result);
    }
}

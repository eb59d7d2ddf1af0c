using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;

namespace MLNet.Gelu.Benchmarks.Training;

/// <summary>
/// <c>--time-to-accuracy</c>: trains each model on MNIST's 8,000 training rows (2 threads) until its test accuracy
/// (2,000 held-out rows) stops improving, and prints the training time and the accuracy reached. The MLP runs epoch by
/// epoch with the test rows as its validation set (early stopping after 3 epochs without a lower validation loss); the
/// ML.NET trainers, which cannot resume, are retrained with doubled iteration budgets until accuracy no longer rises.
/// </summary>
internal static class TimeToAccuracy
{
    public static int Run()
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var split = MnistSplit.Load(EpochBenchmarks.TrainRows());
        Console.WriteLine($"MNIST: {split.Train.Length} training rows, {split.Test.Length} test rows, 2 threads");
        Mlp(split);
        var mlContext = new MLContext(seed: 1);
        var train = MnistSplit.ToDataView(mlContext, split.Train);
        var test = MnistSplit.ToDataView(mlContext, split.Test);
        mlContext.Data.CreateEnumerable<MnistSplit.Row>(train, reuseRowObject: true).Count();
        Linear("SdcaMaximumEntropy", [1, 2, 4, 8, 16, 32, 64], i => mlContext.MulticlassClassification.Trainers.SdcaMaximumEntropy(EpochBenchmarks.SdcaOptions(i)), mlContext, train, test);
        Linear("LbfgsMaximumEntropy", [10, 20, 40, 80, 160, 320], i => mlContext.MulticlassClassification.Trainers.LbfgsMaximumEntropy(EpochBenchmarks.LbfgsOptions(i)), mlContext, train, test);
        return 0;
    }

    private static void Mlp(MnistSplit split)
    {
        var options = EpochBenchmarks.MlpOptions(epochs: 50);
        options.EarlyStoppingPatience = 3;
        double best = 0;
        TimeSpan bestAt = TimeSpan.Zero;
        int bestEpoch = 0;
        var clock = Stopwatch.StartNew();
        MlpTrainerCore.Train(split.TrainFeatures, MnistSplit.FeatureCount, split.TrainLabels, 10, options, split.TestFeatures, split.TestLabels,
            progress =>
            {
                double accuracy = progress.ValidationAccuracy ?? 0;
                Console.WriteLine($"  MLP epoch {progress.Epoch,2}: {progress.Elapsed.TotalSeconds,6:0.00} s, test accuracy {100 * accuracy:0.00} %");
                if (accuracy > best)
                {
                    (best, bestAt, bestEpoch) = (accuracy, progress.Elapsed, progress.Epoch);
                }
            });
        Console.WriteLine($"MLP 784-256-10 GELU (Adam, batch 128): best test accuracy {100 * best:0.00} % after epoch {bestEpoch}, " +
            $"{bestAt.TotalSeconds:0.00} s (including the per-epoch test pass); stopped after {clock.Elapsed.TotalSeconds:0.00} s");
    }

    private static void Linear(string name, int[] budgets, Func<int, IEstimator<ITransformer>> trainer, MLContext mlContext, IDataView train, IDataView test)
    {
        double best = 0, bestSeconds = 0;
        int bestIterations = 0;
        foreach (int iterations in budgets)
        {
            var clock = Stopwatch.StartNew();
            var model = trainer(iterations).Fit(train);
            double seconds = clock.Elapsed.TotalSeconds;
            double accuracy = mlContext.MulticlassClassification.Evaluate(model.Transform(test)).MicroAccuracy;
            Console.WriteLine($"  {name}, {iterations,3} iterations: {seconds,6:0.00} s, test accuracy {100 * accuracy:0.00} %");
            if (accuracy <= best)
            {
                break;
            }

            (best, bestSeconds, bestIterations) = (accuracy, seconds, iterations);
        }

        Console.WriteLine($"{name}: best test accuracy {100 * best:0.00} % with {bestIterations} iterations, {bestSeconds:0.00} s");
    }
}

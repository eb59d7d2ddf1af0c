using MLNet.Gelu.Tests.TestSupport;
using Microsoft.ML;
using Xunit.Abstractions;

namespace MLNet.Gelu.Tests.Training;

/// <summary>
/// The default options (<c>Mlp()</c> with no options) on small tabular sets: what scikit-learn's <c>MLPClassifier</c>
/// reaches with its defaults on iris (standardized features, 30 % held out), ours must reach too.
/// </summary>
public class MlpDefaultsTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Default_multiclass_trainer_reaches_93_percent_macro_accuracy_on_held_out_iris(int splitSeed)
    {
        var ml = new MLContext(seed: 1);
        var lines = LogLines.Of(ml);
        var split = ml.Data.TrainTestSplit(MlpTestData.IrisRaw(ml), testFraction: 0.3, seed: splitSeed);
        var model = MlpTestData.IrisPreparation(ml)
            .Append(ml.MulticlassClassification.Trainers.Mlp())
            .Fit(split.TrainSet);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
        int epochs = lines.Count(l => l.Contains("MLP epoch", StringComparison.Ordinal));
        output.WriteLine($"Iris, split seed {splitSeed}, default Mlp(): held-out macro accuracy {metrics.MacroAccuracy:P2} " +
            $"(micro {metrics.MicroAccuracy:P2}, log-loss {metrics.LogLoss:F4}) after {epochs} epochs.");

        Assert.True(metrics.MacroAccuracy >= 0.93, $"Held-out macro accuracy {metrics.MacroAccuracy:P2}.");
        Assert.Single(lines, l => l.Contains("epochs (automatic)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Default_binary_trainer_reaches_93_percent_accuracy_on_held_out_iris(int splitSeed)
    {
        var ml = new MLContext(seed: 1);
        var rows = Datasets.Iris.Load().Select(f => new MlpBinaryTrainerTests.VirginicaRow
        {
            Features = [f.SepalLength, f.SepalWidth, f.PetalLength, f.PetalWidth],
            Label = f.Species.EndsWith("virginica", StringComparison.Ordinal),
        });
        var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(rows), testFraction: 0.3, seed: splitSeed);
        var model = ml.Transforms.NormalizeMeanVariance("Features")
            .Append(ml.BinaryClassification.Trainers.Mlp())
            .Fit(split.TrainSet);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet));
        output.WriteLine($"Iris virginica or not, split seed {splitSeed}, default Mlp(): held-out accuracy {metrics.Accuracy:P2} " +
            $"(AUC {metrics.AreaUnderRocCurve:F4}, log-loss {metrics.LogLoss:F4}).");

        Assert.True(metrics.Accuracy >= 0.93, $"Held-out accuracy {metrics.Accuracy:P2}.");
        Assert.True(metrics.AreaUnderRocCurve >= 0.98, $"Held-out AUC {metrics.AreaUnderRocCurve:F4}.");
    }

    [Fact]
    public void Without_a_validation_set_training_stops_when_the_training_loss_stops_falling()
    {
        var (x, y) = TwoBlobs(rowsPerBlob: 50, seed: 2);
        var recorder = new TrainingFixtures.Recorder();
        var plans = new List<TrainingPlan>();
        MlpTrainerCore.Train(x, 2, y, 2, new MlpOptions { Seed = 1, Progress = recorder }, planLog: plans.Add);

        var plan = Assert.Single(plans);
        Assert.Equal(8_000, plan.Epochs); // 100 rows: one batch per epoch
        Assert.Equal(10, plan.ConvergencePatience);
        Assert.All(recorder.Reports, r => Assert.Null(r.ValidationLoss));
        Assert.All(recorder.Reports, r => Assert.Equal(8_000, r.EpochCount));
        Assert.True(recorder.Reports.Count < plan.Epochs, $"ran all {recorder.Reports.Count} epochs");

        // The rule: stop after 10 epochs in a row whose loss is not 1e-4 below the lowest loss before it.
        double best = double.PositiveInfinity;
        int stalled = 0, stopAt = 0;
        foreach (var report in recorder.Reports)
        {
            stalled = report.TrainingLoss < best - 1e-4 ? 0 : stalled + 1;
            best = Math.Min(best, report.TrainingLoss);
            if (stalled == 10)
            {
                stopAt = report.Epoch;
                break;
            }
        }

        output.WriteLine($"Two blobs, 100 rows: stopped after {recorder.Reports.Count} of {plan.Epochs} epochs, training loss {recorder.Reports[^1].TrainingLoss:G4}.");
        Assert.Equal(recorder.Reports.Count, stopAt);
    }

    [Fact]
    public void From_1000_rows_a_tenth_is_held_out_training_stops_on_validation_loss_and_is_deterministic()
    {
        // Labels are noise: the validation loss soon stops improving.
        var rng = new Random(4);
        const int rows = 1_200;
        float[] x = Enumerable.Range(0, rows * 5).Select(_ => (float)rng.NextDouble()).ToArray();
        int[] y = Enumerable.Range(0, rows).Select(_ => rng.Next(2)).ToArray();

        (float[] Weights, List<MlpProgress> Reports, TrainingPlan Plan) Train(int threads)
        {
            var recorder = new TrainingFixtures.Recorder();
            TrainingPlan? plan = null;
            var model = MlpTrainerCore.Train(x, 5, y, 2, new MlpOptions { Seed = 3, NumberOfThreads = threads, Progress = recorder }, planLog: p => plan = p);
            return (TrainingFixtures.AllParameters(model), recorder.Reports, plan!);
        }

        var one = Train(1);
        var two = Train(2);
        Assert.Equal(one.Weights, two.Weights);

        Assert.Equal(new TrainingPlan(889, true, 120, 1_080, 128, 10, 0), one.Plan); // b = 9, ⌈8000 / 9⌉ = 889
        var losses = one.Reports.Select(r => r.ValidationLoss!.Value).ToArray();
        output.WriteLine($"Noise, 1,200 rows: stopped after {losses.Length} of {one.Plan.Epochs} epochs, best validation loss {losses.Min():G4}.");
        Assert.True(losses.Length < 889, $"ran all {losses.Length} epochs");
        Assert.Equal(losses.Length - 1 - 10, Array.IndexOf(losses, losses.Min()));
    }

    [Fact]
    public void A_set_number_of_epochs_is_run_exactly_with_nothing_held_out()
    {
        var (x, y) = TwoBlobs(rowsPerBlob: 600, seed: 3);
        var recorder = new TrainingFixtures.Recorder();
        MlpTrainerCore.Train(x, 2, y, 2, new MlpOptions { Epochs = 30, Seed = 1, Progress = recorder });
        Assert.Equal(Enumerable.Range(1, 30), recorder.Reports.Select(r => r.Epoch));
        Assert.All(recorder.Reports, r => Assert.Null(r.ValidationLoss));
    }

    /// <summary>Two well-separated Gaussian blobs in 2-D, class 0 around (−2, −2) and class 1 around (2, 2).</summary>
    private static (float[] Features, int[] Labels) TwoBlobs(int rowsPerBlob, int seed)
    {
        var rng = new Random(seed);
        var x = new float[rowsPerBlob * 2 * 2];
        var y = new int[rowsPerBlob * 2];
        for (int row = 0; row < y.Length; row++)
        {
            y[row] = row % 2;
            float centre = y[row] == 0 ? -2f : 2f;
            x[row * 2] = centre + (float)(rng.NextDouble() - 0.5);
            x[row * 2 + 1] = centre + (float)(rng.NextDouble() - 0.5);
        }

        return (x, y);
    }
}

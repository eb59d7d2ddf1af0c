using System.Diagnostics;
using Microsoft.ML;
using Xunit.Abstractions;

namespace MLNet.Gelu.Tests.Training;

public class MlpMnistTests(ITestOutputHelper output)
{
    [Fact]
    public void One_gelu_layer_of_256_reaches_96_percent_on_held_out_digits()
    {
        var ml = new MLContext(seed: 1);
        var split = ml.Data.TrainTestSplit(MlpTestData.Digits(ml), testFraction: 0.2, seed: 1);
        var options = new MlpOptions
        {
            // Measured here over seeds 1-3: 96.1-96.6 % in about 10 s on 2 cores; without dropout it stays near 95.5 %.
            HiddenLayerSizes = [256], Activation = Activation.Gelu, Epochs = 40, BatchSize = 128, LearningRate = 3e-3, Dropout = 0.5,
            LearningRateSchedule = LearningRateSchedule.Cosine, Seed = 1, NumberOfThreads = 2,
        };

        var clock = Stopwatch.StartNew();
        var model = ml.MulticlassClassification.Trainers.Mlp(options).Fit(split.TrainSet);
        var trained = clock.Elapsed;
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
        output.WriteLine($"MNIST 8,000/2,000: test accuracy {metrics.MicroAccuracy:P2}, log-loss {metrics.LogLoss:F4}, training {trained.TotalSeconds:F1} s.");

        Assert.True(metrics.MicroAccuracy >= 0.96, $"Test accuracy {metrics.MicroAccuracy:P2}.");
        Assert.Equal(10, model.Model.ClassCount);
    }
}

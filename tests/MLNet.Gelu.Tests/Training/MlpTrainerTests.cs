
namespace MLNet.Gelu.Tests.Training;

public class MlpTrainerTests
{
    public static TheoryData<Activation> AllActivations => new(Enum.GetValues<Activation>());

    [Theory]
    [MemberData(nameof(AllActivations))]
    public void Fits_xor_with_every_activation(Activation activation)
    {
        var (x, y) = TrainingFixtures.Xor();
        var options = new MlpOptions { HiddenLayerSizes = [16], Activation = activation, Epochs = 400, BatchSize = 4, LearningRate = 0.03, Seed = 1 };
        MlpModelParameters model = MlpTrainerCore.Train(x, 2, y, 2, options);
        Assert.Equal(1.0, TrainingFixtures.Accuracy(model, x, y));
    }

    [Fact]
    public void Fits_a_three_arm_spiral()
    {
        var (x, y) = TrainingFixtures.Spiral(arms: 3, perArm: 100, seed: 5);
        var options = new MlpOptions { HiddenLayerSizes = [64, 64], Epochs = 200, BatchSize = 32, LearningRate = 0.01, Seed = 2 };
        MlpModelParameters model = MlpTrainerCore.Train(x, 2, y, 3, options);
        Assert.True(TrainingFixtures.Accuracy(model, x, y) >= 0.95, $"accuracy {TrainingFixtures.Accuracy(model, x, y):P1}");
    }

    [Fact]
    public void Same_seed_gives_bit_identical_weights_whatever_the_thread_count()
    {
        var (x, y) = TrainingFixtures.Spiral(arms: 2, perArm: 150, seed: 9);
        MlpModelParameters Train(int seed, int threads) => MlpTrainerCore.Train(x, 2, y, 2, new MlpOptions
        {
            // Wide enough that the matrix products really run on several threads.
            HiddenLayerSizes = [256, 128], Epochs = 3, BatchSize = 64, Dropout = 0.2, Seed = seed, NumberOfThreads = threads,
            LearningRateSchedule = LearningRateSchedule.Cosine, WeightDecay = 1e-4,
        });

        float[] a = TrainingFixtures.AllParameters(Train(7, 1));
        float[] b = TrainingFixtures.AllParameters(Train(7, 1));
        float[] c = TrainingFixtures.AllParameters(Train(7, 2));
        float[] d = TrainingFixtures.AllParameters(Train(8, 2));
        Assert.Equal(a, b);
        Assert.Equal(a, c);
        Assert.NotEqual(a, d);
    }

    [Fact]
    public void Reports_progress_once_per_epoch()
    {
        var (x, y) = TrainingFixtures.Spiral(arms: 2, perArm: 50, seed: 1);
        var recorder = new TrainingFixtures.Recorder();
        var logged = new List<string>();
        MlpTrainerCore.Train(x, 2, y, 2, new MlpOptions { HiddenLayerSizes = [16], Epochs = 5, BatchSize = 16, Seed = 1, Progress = recorder }, epochLog: p => logged.Add(p.ToString()));
        Assert.Equal([1, 2, 3, 4, 5], recorder.Reports.Select(r => r.Epoch));
        Assert.Equal(recorder.Reports.Select(r => r.ToString()), logged);
        Assert.All(recorder.Reports, r =>
        {
            Assert.Equal(5, r.EpochCount);
            Assert.True(r.TrainingLoss > 0 && double.IsFinite(r.TrainingLoss));
            Assert.Null(r.ValidationLoss);
            Assert.Null(r.ValidationAccuracy);
            Assert.Equal(1e-3, r.LearningRate);
        });
        Assert.True(recorder.Reports.Zip(recorder.Reports.Skip(1)).All(p => p.First.Elapsed <= p.Second.Elapsed));
        Assert.StartsWith("epoch 5/5: loss ", recorder.Reports[^1].ToString());
    }

    [Fact]
    public void Cancellation_stops_training_with_OperationCanceledException()
    {
        var (x, y) = TrainingFixtures.Spiral(arms: 2, perArm: 50, seed: 1);
        using var cts = new CancellationTokenSource();
        var recorder = new TrainingFixtures.Recorder { OnReport = p => { if (p.Epoch == 2) { cts.Cancel(); } } };
        var options = new MlpOptions { HiddenLayerSizes = [8], Epochs = 50, BatchSize = 16, Seed = 1, Progress = recorder, CancellationToken = cts.Token };
        Assert.ThrowsAny<OperationCanceledException>(() => MlpTrainerCore.Train(x, 2, y, 2, options));
        Assert.Equal(2, recorder.Reports.Count);
    }

    [Fact]
    public void Already_cancelled_token_trains_nothing()
    {
        var (x, y) = TrainingFixtures.Xor();
        var recorder = new TrainingFixtures.Recorder();
        var options = new MlpOptions { Epochs = 5, Progress = recorder, CancellationToken = new CancellationToken(canceled: true) };
        Assert.ThrowsAny<OperationCanceledException>(() => MlpTrainerCore.Train(x, 2, y, 2, options));
        Assert.Empty(recorder.Reports);
    }

    [Fact]
    public void Early_stopping_on_a_held_out_fraction_stops_and_keeps_the_best_epoch()
    {
        // Labels are noise: validation loss cannot keep improving, so patience runs out well before 200 epochs.
        var rng = new Random(4);
        int rows = 200;
        float[] x = Enumerable.Range(0, rows * 5).Select(_ => (float)rng.NextDouble()).ToArray();
        int[] y = Enumerable.Range(0, rows).Select(_ => rng.Next(2)).ToArray();
        var recorder = new TrainingFixtures.Recorder();
        var options = new MlpOptions
        {
            HiddenLayerSizes = [64], Epochs = 200, BatchSize = 16, LearningRate = 0.01, Seed = 3,
            ValidationFraction = 0.25, EarlyStoppingPatience = 3, Progress = recorder,
        };
        MlpModelParameters model = MlpTrainerCore.Train(x, 5, y, 2, options);

        Assert.True(recorder.Reports.Count < 200, $"ran all {recorder.Reports.Count} epochs");
        Assert.All(recorder.Reports, r => Assert.InRange(r.ValidationAccuracy!.Value, 0, 1));
        double[] losses = recorder.Reports.Select(r => r.ValidationLoss!.Value).ToArray();
        int bestEpoch = Array.IndexOf(losses, losses.Min());
        Assert.Equal(losses.Length - 1 - options.EarlyStoppingPatience, bestEpoch);

        // The returned weights are those of the best epoch: recompute its validation loss from the same split.
        var noStop = new TrainingFixtures.Recorder();
        MlpTrainerCore.Train(x, 5, y, 2, new MlpOptions
        {
            HiddenLayerSizes = [64], Epochs = bestEpoch + 1, BatchSize = 16, LearningRate = 0.01, Seed = 3, ValidationFraction = 0.25, Progress = noStop,
        });
        Assert.Equal(losses[bestEpoch], noStop.Reports[^1].ValidationLoss);
        Assert.Equal(2, model.ClassCount);
    }

    [Fact]
    public void A_separate_validation_set_is_reported()
    {
        var (x, y) = TrainingFixtures.Spiral(arms: 2, perArm: 60, seed: 1);
        var (vx, vy) = TrainingFixtures.Spiral(arms: 2, perArm: 20, seed: 2);
        var recorder = new TrainingFixtures.Recorder();
        MlpTrainerCore.Train(x, 2, y, 2, new MlpOptions { HiddenLayerSizes = [32], Epochs = 3, Seed = 1, Progress = recorder }, vx, vy);
        Assert.Equal(3, recorder.Reports.Count);
        Assert.All(recorder.Reports, r => Assert.NotNull(r.ValidationLoss));
    }

    [Theory]
    [InlineData(LearningRateSchedule.Cosine)]
    [InlineData(LearningRateSchedule.Linear)]
    public void Decaying_schedules_lower_the_rate_each_epoch(LearningRateSchedule schedule)
    {
        var (x, y) = TrainingFixtures.Spiral(arms: 2, perArm: 40, seed: 1);
        var recorder = new TrainingFixtures.Recorder();
        MlpTrainerCore.Train(x, 2, y, 2, new MlpOptions { HiddenLayerSizes = [8], Epochs = 4, BatchSize = 20, Seed = 1, LearningRateSchedule = schedule, Progress = recorder });
        double[] rates = recorder.Reports.Select(r => r.LearningRate).ToArray();
        Assert.True(rates.Zip(rates.Skip(1)).All(p => p.Second < p.First), string.Join(", ", rates));
        Assert.True(rates[^1] > 0 && rates[0] < 1e-3);
    }

    [Fact]
    public void Dropout_trains_and_predicts_deterministically()
    {
        var (x, y) = TrainingFixtures.Spiral(arms: 2, perArm: 100, seed: 3);
        var options = new MlpOptions { HiddenLayerSizes = [64, 64], Dropout = 0.1, Epochs = 150, BatchSize = 32, LearningRate = 0.01, Seed = 4 };
        MlpModelParameters model = MlpTrainerCore.Train(x, 2, y, 2, options);
        Assert.True(TrainingFixtures.Accuracy(model, x, y) >= 0.9);
        Assert.Equal(TrainingFixtures.Accuracy(model, x, y), TrainingFixtures.Accuracy(model, x, y));
    }

    [Fact]
    public void No_hidden_layer_is_a_linear_softmax_classifier()
    {
        float[] x = [0, 0, 1, 1, 2, 2, 3, 3];
        int[] y = [0, 0, 1, 1];
        MlpModelParameters model = MlpTrainerCore.Train(x, 2, y, 2, new MlpOptions { HiddenLayerSizes = [], Epochs = 300, BatchSize = 4, LearningRate = 0.05, Seed = 1 });
        Assert.Equal(1, model.LayerCount);
        Assert.Empty(model.HiddenLayerSizes);
        Assert.Equal(1.0, TrainingFixtures.Accuracy(model, x, y));
    }

    [Fact]
    public void Divergence_is_reported_instead_of_returning_nan_weights()
    {
        var (x, y) = TrainingFixtures.Xor();
        for (int i = 0; i < x.Length; i++)
        {
            x[i] *= 1e30f;
        }

        var ex = Assert.Throws<InvalidOperationException>(() => MlpTrainerCore.Train(x, 2, y, 2, new MlpOptions { Epochs = 3, Seed = 1, LearningRate = 1e30 }));
        Assert.Contains("diverged", ex.Message);
    }
}

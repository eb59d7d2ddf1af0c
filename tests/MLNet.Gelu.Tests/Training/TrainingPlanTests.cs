
namespace MLNet.Gelu.Tests.Training;

/// <summary>
/// Pins the automatic rule of <see cref="MlpOptions.Epochs"/> (null): epochs = max(⌈8000 / batches per epoch⌉, 20), 10 %
/// held out from 1,000 rows, patience 10. A change to these numbers must be deliberate: update the XML docs and README too.
/// </summary>
public class TrainingPlanTests
{
    /// <summary>The plan of the old default options (20 epochs, batch 128, no early stopping).</summary>
    private static TrainingPlan OldDefault(int rows) => TrainingPlan.For(new MlpOptions { Epochs = 20 }, rows, separateValidation: false);

    [Fact]
    public void Iris_sized_sets_get_many_epochs_and_stop_on_the_training_loss()
    {
        var plan = TrainingPlan.For(new MlpOptions(), 150, separateValidation: false);
        Assert.Equal(new TrainingPlan(Epochs: 4_000, Automatic: true, HeldOutRows: 0, TrainingRows: 150, BatchSize: 128, ValidationPatience: 0, ConvergencePatience: 10), plan);
        Assert.Equal(2, plan.BatchesPerEpoch);
        Assert.Equal(8_000, plan.MaxSteps);
        Assert.Equal(40, OldDefault(150).MaxSteps);

        var split = TrainingPlan.For(new MlpOptions(), 105, separateValidation: false); // iris less 30 % for testing
        Assert.Equal((8_000, 105, 1, 8_000L), (split.Epochs, split.BatchSize, split.BatchesPerEpoch, split.MaxSteps));
    }

    [Fact]
    public void Mnist_sized_sets_keep_20_epochs_and_do_no_more_steps_than_the_old_default()
    {
        var plan = TrainingPlan.For(new MlpOptions(), 60_000, separateValidation: false);
        Assert.Equal(new TrainingPlan(Epochs: 20, Automatic: true, HeldOutRows: 6_000, TrainingRows: 54_000, BatchSize: 128, ValidationPatience: 10, ConvergencePatience: 0), plan);
        Assert.Equal(422, plan.BatchesPerEpoch);
        Assert.Equal(8_440, plan.MaxSteps);
        Assert.Equal(9_380, OldDefault(60_000).MaxSteps);
        Assert.True(plan.MaxSteps <= OldDefault(60_000).MaxSteps);

        var separate = TrainingPlan.For(new MlpOptions(), 60_000, separateValidation: true);
        Assert.Equal((20, 0, 469, 9_380L, 10), (separate.Epochs, separate.HeldOutRows, separate.BatchesPerEpoch, separate.MaxSteps, separate.ValidationPatience));
    }

    [Theory]
    [InlineData(999, 0, 999, 1_000, 0, 10)]
    [InlineData(1_000, 100, 900, 1_000, 10, 0)]
    [InlineData(10_000, 1_000, 9_000, 113, 10, 0)]
    [InlineData(1_000_000, 100_000, 900_000, 20, 10, 0)]
    public void The_rule_across_sizes(int rows, int heldOut, int trainingRows, int epochs, int validationPatience, int convergencePatience)
    {
        var plan = TrainingPlan.For(new MlpOptions(), rows, separateValidation: false);
        Assert.Equal(new TrainingPlan(epochs, true, heldOut, trainingRows, Math.Min(128, trainingRows), validationPatience, convergencePatience), plan);
        Assert.True(plan.MaxSteps <= Math.Max(8_000 + plan.BatchesPerEpoch - 1, OldDefault(rows).MaxSteps));
    }

    [Fact]
    public void Options_that_are_set_are_honored()
    {
        Assert.Equal(new TrainingPlan(20, false, 0, 60_000, 128, 0, 0), OldDefault(60_000));
        Assert.Equal(
            new TrainingPlan(7, false, 40, 160, 32, 3, 0),
            TrainingPlan.For(new MlpOptions { Epochs = 7, BatchSize = 32, ValidationFraction = 0.2, EarlyStoppingPatience = 3 }, 200, separateValidation: false));
        Assert.Equal(
            new TrainingPlan(800, true, 50, 150, 16, 3, 0),
            TrainingPlan.For(new MlpOptions { BatchSize = 16, ValidationFraction = 0.25, EarlyStoppingPatience = 3 }, 200, separateValidation: false));
        Assert.Equal(
            new TrainingPlan(4_000, true, 0, 150, 128, 10, 0),
            TrainingPlan.For(new MlpOptions(), 150, separateValidation: true));
    }

    [Fact]
    public void The_log_line_states_epochs_rows_batches_steps_and_the_stopping_rule()
    {
        Assert.Equal(
            "4000 epochs (automatic) of 150 rows in batches of 128, at most 8000 steps; stops when the training loss has not fallen 0.0001 below its best for 10 epochs",
            TrainingPlan.For(new MlpOptions(), 150, separateValidation: false).ToString());
        Assert.Equal(
            "20 epochs (automatic) of 54000 rows in batches of 128, at most 8440 steps; 6000 rows held out for validation; stops when the validation loss has not improved for 10 epochs",
            TrainingPlan.For(new MlpOptions(), 60_000, separateValidation: false).ToString());
        Assert.Equal("20 epochs (as set) of 60000 rows in batches of 128, at most 9380 steps", OldDefault(60_000).ToString());
    }
}


namespace MLNet.Gelu.Tests.Training;

public class MlpOptionsTests
{
    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var o = new MlpOptions();
        Assert.Equal([128], o.HiddenLayerSizes);
        Assert.Equal(Activation.Gelu, o.Activation);
        Assert.Equal(0, o.Dropout);
        Assert.Null(o.Epochs);
        Assert.Equal(128, o.BatchSize);
        Assert.Equal(1e-3, o.LearningRate);
        Assert.Equal(0.9, o.Beta1);
        Assert.Equal(0.999, o.Beta2);
        Assert.Equal(1e-8, o.Epsilon);
        Assert.Equal(0, o.WeightDecay);
        Assert.Equal(LearningRateSchedule.Constant, o.LearningRateSchedule);
        Assert.Null(o.Seed);
        Assert.Equal(0, o.ValidationFraction);
        Assert.Equal(0, o.EarlyStoppingPatience);
        Assert.Null(o.NumberOfThreads);
        Assert.Null(o.Progress);
        Assert.Equal(CancellationToken.None, o.CancellationToken);
        Assert.Equal("Label", o.LabelColumnName);
        Assert.Equal("Features", o.FeatureColumnName);
    }

    public static TheoryData<string, Action<MlpOptions>, string> Invalid => new()
    {
        { "Epochs", o => o.Epochs = 0, "0" },
        { "Epochs", o => o.Epochs = -3, "-3" },
        { "BatchSize", o => o.BatchSize = 0, "0" },
        { "LearningRate", o => o.LearningRate = 0, (0).ToString() },
        { "LearningRate", o => o.LearningRate = -0.1, (-0.1).ToString() },
        { "LearningRate", o => o.LearningRate = double.NaN, (double.NaN).ToString() },
        { "LearningRate", o => o.LearningRate = double.PositiveInfinity, (double.PositiveInfinity).ToString() },
        { "Dropout", o => o.Dropout = 1, (1).ToString() },
        { "Dropout", o => o.Dropout = -0.01, (-0.01).ToString() },
        { "Dropout", o => o.Dropout = double.NaN, (double.NaN).ToString() },
        { "Beta1", o => o.Beta1 = 1, (1).ToString() },
        { "Beta2", o => o.Beta2 = -0.5, (-0.5).ToString() },
        { "Epsilon", o => o.Epsilon = 0, (0).ToString() },
        { "WeightDecay", o => o.WeightDecay = -1e-4, (-1e-4).ToString() },
        { "ValidationFraction", o => o.ValidationFraction = 1, (1).ToString() },
        { "EarlyStoppingPatience", o => o.EarlyStoppingPatience = -1, "-1" },
        { "NumberOfThreads", o => o.NumberOfThreads = 0, "0" },
        { "HiddenLayerSizes", o => o.HiddenLayerSizes = [64, 0], "0" },
        { "HiddenLayerSizes", o => o.HiddenLayerSizes = [-5], "-5" },
        { "Activation", o => o.Activation = (Activation)99, "99" },
        { "LearningRateSchedule", o => o.LearningRateSchedule = (LearningRateSchedule)7, "7" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_values_throw_naming_the_option_and_value(string option, Action<MlpOptions> set, string value)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => set(new MlpOptions()));
        Assert.Equal(option, ex.ParamName);
        Assert.Contains(option, ex.Message);
        Assert.Contains(value, ex.Message);
    }

    [Fact]
    public void Null_and_blank_values_are_rejected()
    {
        Assert.Equal("HiddenLayerSizes", Assert.Throws<ArgumentNullException>(() => new MlpOptions { HiddenLayerSizes = null! }).ParamName);
        Assert.Equal("LabelColumnName", Assert.ThrowsAny<ArgumentException>(() => new MlpOptions { LabelColumnName = " " }).ParamName);
        Assert.Equal("FeatureColumnName", Assert.ThrowsAny<ArgumentException>(() => new MlpOptions { FeatureColumnName = "" }).ParamName);
    }

    [Fact]
    public void Hidden_sizes_changed_after_setting_are_checked_when_training_starts()
    {
        var options = new MlpOptions { HiddenLayerSizes = [4] };
        options.HiddenLayerSizes[0] = 0;
        var (x, y) = TrainingFixtures.Xor();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => MlpTrainerCore.Train(x, 2, y, 2, options));
        Assert.Equal("HiddenLayerSizes", ex.ParamName);
    }

    [Fact]
    public void The_setter_keeps_its_own_copy_of_the_array()
    {
        int[] sizes = [32, 16];
        var options = new MlpOptions { HiddenLayerSizes = sizes };
        sizes[0] = -1;
        Assert.Equal([32, 16], options.HiddenLayerSizes);
    }

    [Fact]
    public void Early_stopping_without_a_validation_set_is_rejected()
    {
        var (x, y) = TrainingFixtures.Xor();
        var ex = Assert.Throws<ArgumentException>(() => MlpTrainerCore.Train(x, 2, y, 2, new MlpOptions { EarlyStoppingPatience = 2 }));
        Assert.Contains("EarlyStoppingPatience", ex.Message);
        Assert.Contains("ValidationFraction", ex.Message);
    }

    [Fact]
    public void A_validation_fraction_that_leaves_no_training_rows_is_rejected()
    {
        var (x, y) = TrainingFixtures.Xor();
        var ex = Assert.Throws<ArgumentException>(() => MlpTrainerCore.Train(x, 2, y, 2, new MlpOptions { ValidationFraction = 0.9 }));
        Assert.Contains("no training rows", ex.Message);
    }
}

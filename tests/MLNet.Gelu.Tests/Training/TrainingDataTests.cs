
namespace MLNet.Gelu.Tests.Training;

public class TrainingDataTests
{
    private static readonly MlpOptions Options = new() { HiddenLayerSizes = [4], Epochs = 1, Seed = 1 };

    [Theory]
    [InlineData(float.NaN, "is NaN")]
    [InlineData(float.PositiveInfinity, "is Infinity")]
    [InlineData(float.NegativeInfinity, "is -Infinity")]
    public void Non_finite_feature_names_row_and_feature(float bad, string shown)
    {
        float[] x = [0, 0, 0, 1, 1, 0, 1, 1, 2, 2, 3, 3];
        x[7] = bad; // row 3, feature 1
        var ex = Assert.Throws<ArgumentException>(() => MlpTrainerCore.Train(x, 2, [0, 1, 1, 0, 1, 0], 2, Options));
        Assert.Equal("features", ex.ParamName);
        Assert.Contains("Feature 1 of training row 3", ex.Message);
        Assert.Contains(shown, ex.Message);
    }

    [Fact]
    public void Non_finite_validation_feature_is_named_as_validation()
    {
        var (x, y) = TrainingFixtures.Xor();
        var ex = Assert.Throws<ArgumentException>(() => MlpTrainerCore.Train(x, 2, y, 2, Options, [0, float.NaN], [1]));
        Assert.Equal("validationFeatures", ex.ParamName);
        Assert.Contains("Feature 1 of validation row 0", ex.Message);
    }

    [Fact]
    public void Empty_data_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => MlpTrainerCore.Train([], 3, [], 2, Options));
        Assert.Contains("empty", ex.Message);
    }

    [Fact]
    public void A_single_class_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => MlpTrainerCore.Train([0, 1, 2, 3, 4, 5], 2, [1, 1, 1], 3, Options));
        Assert.Contains("All 3 training rows have label 1", ex.Message);
    }

    [Fact]
    public void Fewer_than_two_classes_declared_is_rejected()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => MlpTrainerCore.Train([0, 1], 2, [0], 1, Options));
        Assert.Equal("classCount", ex.ParamName);
    }

    [Fact]
    public void Out_of_range_label_names_the_row()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => MlpTrainerCore.Train([0, 1, 2, 3], 2, [0, 2], 2, Options));
        Assert.Equal("labels", ex.ParamName);
        Assert.Contains("training row 1 is 2", ex.Message);
    }

    [Fact]
    public void Feature_count_that_does_not_match_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => MlpTrainerCore.Train([0, 1, 2, 3, 4], 2, [0, 1], 2, Options));
        Assert.Contains("5 values", ex.Message);
        Assert.Contains("need 4", ex.Message);
    }

    [Fact]
    public void Validation_features_without_labels_are_rejected()
    {
        var (x, y) = TrainingFixtures.Xor();
        Assert.Throws<ArgumentException>(() => MlpTrainerCore.Train(x, 2, y, 2, Options, [0, 1], null));
    }
}

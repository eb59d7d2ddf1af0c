using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Gelu.Tests.Training;

public class MlpTrainerInputTests
{
    private readonly MLContext _ml = new(seed: 1);

    private MlpMulticlassTrainer Multiclass() => _ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { Epochs = 1, Seed = 1 });

    private MlpBinaryTrainer Binary() => _ml.BinaryClassification.Trainers.Mlp(new MlpOptions { Epochs = 1, Seed = 1 });

    [Fact]
    public void Missing_label_column_is_named()
    {
        var data = Keyed(Rows(6), "Other");
        var e = Assert.Throws<ArgumentException>(() => Multiclass().Fit(data));
        Assert.Contains("no label column 'Label'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'Other'", e.Message, StringComparison.Ordinal);
        var b = Assert.Throws<ArgumentException>(() => Binary().Fit(data));
        Assert.Contains("no label column 'Label'", b.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Multiclass_label_that_is_not_a_key_asks_for_MapValueToKey()
    {
        var e = Assert.Throws<ArgumentException>(() => Multiclass().Fit(_ml.Data.LoadFromEnumerable(Rows(6))));
        Assert.Contains("'Label'", e.Message, StringComparison.Ordinal);
        Assert.Contains("MapValueToKey", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_label_that_is_not_boolean_is_rejected()
    {
        var data = _ml.Data.LoadFromEnumerable(Rows(6));
        var e = Assert.Throws<ArgumentException>(() => Binary().Fit(data));
        Assert.Contains("needs a Boolean label", e.Message, StringComparison.Ordinal);
        Assert.Contains("String", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_feature_column_is_named()
    {
        var options = new MlpOptions { FeatureColumnName = "Pixels", Epochs = 1 };
        var e = Assert.Throws<ArgumentException>(() => _ml.MulticlassClassification.Trainers.Mlp(options).Fit(Keyed(Rows(6))));
        Assert.Contains("no feature column 'Pixels'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Features_that_are_not_a_known_size_vector_of_single_are_rejected()
    {
        var scalar = Keyed(Enumerable.Range(0, 6).Select(i => new ScalarRow { Features = i, Label = $"c{i % 2}" }));
        var variable = Keyed(Enumerable.Range(0, 6).Select(i => new VariableRow { Features = new float[1 + (i % 2)], Label = $"c{i % 2}" }));
        var doubles = Keyed(Enumerable.Range(0, 6).Select(i => new DoubleRow { Features = [i, 1], Label = $"c{i % 2}" }));
        foreach (var data in new[] { scalar, variable, doubles })
        {
            var e = Assert.Throws<ArgumentException>(() => Multiclass().Fit(data));
            Assert.Contains("known-size vector of Single", e.Message, StringComparison.Ordinal);
            Assert.Contains(data.Schema["Features"].Type.ToString()!, e.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void Non_finite_feature_names_the_row_and_slot(float bad, string shown)
    {
        var rows = Rows(8).ToArray();
        rows[5].Features[1] = bad;
        var e = Assert.Throws<ArgumentException>(() => Multiclass().Fit(Keyed(rows)));
        Assert.Contains($"Row 5 of the training data has {shown} in slot 1 of feature column 'Features'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_class_only_is_rejected()
    {
        var rows = Rows(8).Select(r => new Row { Features = r.Features, Label = "same" });
        var keyed = _ml.Transforms.Conversion.MapValueToKey("Label", keyData: _ml.Data.LoadFromEnumerable(new[] { new LabelOnly { Label = "same" }, new LabelOnly { Label = "other" } }));
        var data = keyed.Fit(_ml.Data.LoadFromEnumerable(rows)).Transform(_ml.Data.LoadFromEnumerable(rows));
        var e = Assert.Throws<ArgumentException>(() => Multiclass().Fit(data));
        Assert.Contains("at least two classes", e.Message, StringComparison.Ordinal);

        var single = _ml.Data.LoadFromEnumerable(Rows(8).Select(r => new BoolRow { Features = r.Features, Label = true }));
        Assert.Contains("at least two classes", Assert.Throws<ArgumentException>(() => Binary().Fit(single)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_data_is_rejected()
    {
        var empty = _ml.Data.LoadFromEnumerable(Array.Empty<Row>());
        var labels = _ml.Data.LoadFromEnumerable(new[] { new LabelOnly { Label = "c0" }, new LabelOnly { Label = "c1" } });
        var data = _ml.Transforms.Conversion.MapValueToKey("Label", keyData: labels).Fit(empty).Transform(empty);
        var e = Assert.Throws<ArgumentException>(() => Multiclass().Fit(data));
        Assert.Contains("The training data has no rows", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hidden_layer_of_zero_units_and_non_positive_learning_rate_are_rejected_before_training()
    {
        var sizes = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.MulticlassClassification.Trainers.Mlp(hiddenLayerSizes: [16, 0]));
        Assert.Contains("HiddenLayerSizes[1] is 0", sizes.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ml.BinaryClassification.Trainers.Mlp(hiddenLayerSizes: [0]));
        foreach (double rate in new[] { 0.0, -0.1, double.NaN })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MlpOptions { LearningRate = rate });
            Assert.Equal("LearningRate", e.ParamName);
        }
    }

    [Fact]
    public void Validation_data_with_another_feature_width_is_rejected()
    {
        var train = Keyed(Rows(6));
        var validation = Keyed(Enumerable.Range(0, 4).Select(i => new DoubleRow { Features = [i, 1], Label = $"c{i % 2}" }));
        var e = Assert.Throws<ArgumentException>(() => Multiclass().Fit(train, validation));
        Assert.Contains("validation data", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fitted_model_rejects_features_of_another_width()
    {
        var model = Multiclass().Fit(Keyed(Rows(6)));
        var wide = _ml.Data.LoadFromEnumerable(Enumerable.Range(0, 3).Select(i => new WideRow { Features = new float[3] }));
        var e = Assert.Throws<ArgumentException>(() => model.Transform(wide));
        Assert.Contains("trained on Vector<Single, 2>", e.Message, StringComparison.Ordinal);
    }

    private IDataView Keyed<T>(IEnumerable<T> rows, string label = "Label")
        where T : class
    {
        var data = _ml.Data.LoadFromEnumerable(rows);
        var keyed = _ml.Transforms.Conversion.MapValueToKey(label, "Label").Fit(data).Transform(data);
        return label == "Label" ? keyed : _ml.Transforms.DropColumns("Label").Fit(keyed).Transform(keyed);
    }

    private static IEnumerable<Row> Rows(int count) =>
        Enumerable.Range(0, count).Select(i => new Row { Features = [i, i % 2], Label = $"c{i % 2}" }).ToArray();

    private class Row
    {
        [VectorType(2)]
        public float[] Features { get; set; } = [];

        public string Label { get; set; } = string.Empty;
    }

    private sealed class LabelOnly
    {
        public string Label { get; set; } = string.Empty;
    }

    private sealed class ScalarRow
    {
        public float Features { get; set; }

        public string Label { get; set; } = string.Empty;
    }

    private sealed class VariableRow
    {
        public float[] Features { get; set; } = [];

        public string Label { get; set; } = string.Empty;
    }

    private sealed class DoubleRow
    {
        [VectorType(2)]
        public double[] Features { get; set; } = [];

        public string Label { get; set; } = string.Empty;
    }

    private sealed class BoolRow
    {
        [VectorType(2)]
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    private sealed class WideRow
    {
        [VectorType(3)]
        public float[] Features { get; set; } = [];
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Tests.TestSupport;

namespace MLNet.Gelu.Tests.Transforms;

public sealed class ActivationTransformTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Theory]
    [InlineData(nameof(ActivationTestData.Row.Scalar), Activation.Gelu)]
    [InlineData(nameof(ActivationTestData.Row.Known), Activation.Gelu)]
    [InlineData(nameof(ActivationTestData.Row.Variable), Activation.GeluTanh)]
    [InlineData(nameof(ActivationTestData.Row.Sparse), Activation.GeluSigmoid)]
    [InlineData(nameof(ActivationTestData.Row.Known), Activation.Relu)]
    [InlineData(nameof(ActivationTestData.Row.Variable), Activation.Elu)]
    [InlineData(nameof(ActivationTestData.Row.Scalar), Activation.Silu)]
    public void AppliesTheKernelToEveryAcceptedShape(string column, Activation activation)
    {
        var data = ActivationTestData.Create(_ml);
        var transformer = TransformerChecks.CheckEstimator(_ml.Transforms.ApplyActivation("Out", column, activation), data);

        var output = transformer.Transform(data);
        Assert.Equal(data.Schema[column].Type, output.Schema["Out"].Type);
        var rows = DataViewValues.Read(output);
        foreach (var row in rows)
        {
            float[] x = row[column] is float f ? [f] : (float[])row[column]!;
            float[] y = row["Out"] is float g ? [g] : (float[])row["Out"]!;
            var expected = new float[x.Length];
            global::MLNet.Gelu.Activations.Apply(activation, x, expected);
            Assert.Equal(x.Length, y.Length);
            for (int i = 0; i < x.Length; i++)
            {
                DataViewValues.AssertFloat(expected[i], y[i], 0, $"slot {i}");
            }
        }
    }

    [Fact]
    public void SparseVectorsStaySparse()
    {
        var data = ActivationTestData.Create(_ml);
        var output = _ml.Transforms.Gelu("Out", "Sparse").Fit(data).Transform(data);
        using var cursor = output.GetRowCursor([output.Schema["Sparse"], output.Schema["Out"]]);
        var getIn = cursor.GetGetter<VBuffer<float>>(output.Schema["Sparse"]);
        var getOut = cursor.GetGetter<VBuffer<float>>(output.Schema["Out"]);
        VBuffer<float> x = default, y = default;
        int rows = 0;
        while (cursor.MoveNext())
        {
            getIn(ref x);
            getOut(ref y);
            Assert.False(y.IsDense);
            Assert.Equal(x.Length, y.Length);
            Assert.Equal(x.GetIndices().ToArray(), y.GetIndices().ToArray());
            Assert.Equal(x.GetValues().Length, y.GetValues().Length);
            rows++;
        }

        Assert.Equal(40, rows);
    }

    [Fact]
    public void EveryActivationMapsZeroToZeroSoSparsityIsKept()
    {
        foreach (var activation in Enum.GetValues<Activation>())
        {
            Assert.True(ActivationColumnMapper.MapsZeroToZero(activation), $"{activation}(0) must be 0 for sparse vectors to stay sparse.");
        }
    }

    [Fact]
    public void KeepsSlotNamesAndReplacesAColumnInPlace()
    {
        var data = ActivationTestData.Create(_ml, slotNames: true);
        var transformer = TransformerChecks.CheckEstimator(_ml.Transforms.Gelu("Known"), data);
        var schema = transformer.GetOutputSchema(data.Schema);

        Assert.Single(schema, c => c.Name == "Known" && !c.IsHidden);
        Assert.Contains(schema, c => c.Name == "Known" && c.IsHidden);
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        schema["Known"].GetSlotNames(ref names);
        Assert.Equal(Enumerable.Range(0, ActivationTestData.Size).Select(i => $"slot{i}"), names.DenseValues().Select(n => n.ToString()));

        // Like ML.NET's own transformers, the new column sits right after the one it hides (the saved form agrees).
        var visible = schema.Where(c => !c.IsHidden).Select(c => c.Name).ToArray();
        Assert.Equal(data.Schema.Select(c => c.Name), visible);
        TransformerChecks.CheckSaveLoad(transformer, data, 1e-6);
    }

    [Theory]
    [InlineData(nameof(ActivationTestData.Row.Text), "String")]
    [InlineData(nameof(ActivationTestData.Row.Double), "Double")]
    [InlineData(nameof(ActivationTestData.Row.DoubleVector), "Double")]
    [InlineData("Missing", "not found")]
    public void RejectsOtherTypesAndMissingColumnsNamingTheColumn(string column, string mention)
    {
        var data = ActivationTestData.Create(_ml, rows: 2);
        var fitted = _ml.Transforms.Gelu("Out", "Scalar").Fit(data);
        var renamed = _ml.Transforms.CopyColumns("Scalar", column == "Missing" ? "Text" : column).Fit(data).Transform(data);

        TransformerChecks.CheckRejects(_ml.Transforms.Gelu("Out", column), null, data, column, mention, "Single");
        TransformerChecks.CheckRejects(_ml.Transforms.Gelu("Out", "Scalar"), fitted, renamed, "Scalar", "Single");
    }

    [Fact]
    public void ApproximationSelectsTheActivation()
    {
        var data = ActivationTestData.Create(_ml, rows: 2);
        Assert.Equal(Activation.Gelu, _ml.Transforms.Gelu("Out", "Scalar").Fit(data).Activation);
        Assert.Equal(Activation.GeluTanh, _ml.Transforms.Gelu("Out", "Scalar", GeluApproximation.Tanh).Fit(data).Activation);
        Assert.Equal(Activation.GeluSigmoid, _ml.Transforms.Gelu("Out", "Scalar", GeluApproximation.Sigmoid).Fit(data).Activation);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Transforms.Gelu("Out", "Scalar", (GeluApproximation)7));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Transforms.ApplyActivation("Out", "Scalar", (Activation)42));
    }

    [Fact]
    public void RejectsBadColumnPairs()
    {
        Assert.Throws<ArgumentNullException>(() => _ml.Transforms.Gelu((string)null!));
        Assert.Throws<ArgumentNullException>(() => _ml.Transforms.Gelu((InputOutputColumnPair[])null!));
        var empty = Assert.Throws<ArgumentException>(() => _ml.Transforms.Gelu(Array.Empty<InputOutputColumnPair>()));
        Assert.Contains("at least one", empty.Message, StringComparison.Ordinal);
        var chained = Assert.Throws<ArgumentException>(() => _ml.Transforms.Gelu([new("A", "Scalar"), new("B", "A")]));
        Assert.Contains("'A'", chained.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TransformsSeveralColumnsAtOnce()
    {
        var data = ActivationTestData.Create(_ml);
        var transformer = TransformerChecks.CheckEstimator(
            _ml.Transforms.ApplyActivation([new("A", "Scalar"), new("B", "Known"), new("Known", "Sparse")], Activation.Silu), data);

        Assert.Equal(["A", "B", "Known"], transformer.Columns.Select(c => c.OutputColumnName));
        var output = transformer.Transform(data);
        Assert.Equal(data.Schema["Sparse"].Type, output.Schema["Known"].Type);
    }

    [Fact]
    public void WorksInPipelinesPreviewsAndChains()
    {
        var data = ActivationTestData.Create(_ml);
        var pipeline = _ml.Transforms.Concatenate("Features", "Known", "Scalar")
            .Append(_ml.Transforms.Gelu("Hidden", "Features"))
            .Append(_ml.Transforms.NormalizeMinMax("Hidden"))
            .Append(_ml.Transforms.ApplyActivation("Act", "Hidden", Activation.Relu));
        var model = TransformerChecks.CheckEstimator(pipeline, data);

        Assert.IsType<ActivationTransformer>(model.LastTransformer);
        var preview = pipeline.Preview(data, maxRows: 5);
        Assert.Equal(5, preview.RowView.Length);
        Assert.Contains(preview.ColumnView, c => c.Column.Name == "Act");
        Assert.All(preview.ColumnView.Single(c => c.Column.Name == "Act").Values,
            v => Assert.All(((VBuffer<float>)v).DenseValues(), x => Assert.True(x >= 0)));
    }
}

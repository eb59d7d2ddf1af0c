using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Bert.Tests.Support;
using MLNet.Gelu.Tests.TestSupport;

namespace MLNet.Gelu.Bert.Tests.Transforms;

public class ScoringSchemaTests
{
    private static readonly RichRow[] Rows = Enumerable.Range(0, 13).Select(i => new RichRow
    {
        Text = i % 4 == 0 ? $"Row {i}: a somewhat longer sentence so that the lengths differ within a window, number {i}." : $"row {i}",
        Number = i * 0.5f,
        Vector = [i, -i, i * i],
        Label = $"label {i}",
        Key = (uint)(i % 10) + 1,
        Flag = i % 3 == 0,
    }).ToArray();

    [Theory]
    [InlineData(4)]
    [InlineData(64)]
    public void Schema_propagates_and_cursor_cursor_set_and_row_mapper_agree_with_pass_through_columns(int window)
    {
        var data = Scoring.Ml.Data.LoadFromEnumerable(Rows);
        var estimator = Scoring.Ml.Transforms.ScoreBert("Embedding", "Text", Scoring.Options with { WindowSize = window, TruncatedTokensColumnName = "Dropped", TokenCountColumnName = "Tokens" });
        using var transformer = TransformerChecks.CheckEstimator(estimator, data, absoluteTolerance: 1e-5);

        var schema = transformer.GetOutputSchema(data.Schema);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 384), schema["Embedding"].Type);
        Assert.Equal(NumberDataViewType.Int32, schema["Dropped"].Type);
        Assert.Equal(NumberDataViewType.Int32, schema["Tokens"].Type);

        // Pass-through values come back in input order, with their own row's values.
        var read = DataViewValues.Read(transformer.Transform(data));
        DataViewValues.AssertEqual(DataViewValues.Read(data), read, 0);
        for (var i = 0; i < Rows.Length; i++)
        {
            Assert.Equal(Rows[i].Text, read[i]["Text"]);
            Assert.Equal(Rows[i].Number, read[i]["Number"]);
            Assert.Equal(Rows[i].Vector, read[i]["Vector"]);
            Assert.Equal(Rows[i].Flag, read[i]["Flag"]);
            var alone = MiniLm.Embedder.Embed(Rows[i].Text);
            Assert.True(Vectors.MaxAbsDifference(alone, (float[])read[i]["Embedding"]!) < 1e-5f, $"row {i}");
        }
    }

    [Theory]
    [InlineData("Features", null, null)]
    [InlineData("Vector", "Embedding", "Truncated")] // names that are another output's default name
    [InlineData("Truncated", "TokenCount", "Embedding")]
    public void Output_columns_take_any_names(string output, string? truncated, string? tokenCount)
    {
        var data = Scoring.Texts("a short sentence", "another one");
        var estimator = Scoring.Ml.Transforms.ScoreBert(output, "Text",
            Scoring.Options with { TruncatedTokensColumnName = truncated, TokenCountColumnName = tokenCount });
        var shape = estimator.GetOutputSchema(TransformerChecks.ShapeOf(data.Schema));
        using var model = estimator.Fit(data);
        var schema = model.Transform(data).Schema;

        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 384), schema[output].Type);
        Assert.True(shape.Any(c => c.Name == output), $"the estimator's shape lacks '{output}'");
        foreach (var extra in new[] { truncated, tokenCount }.OfType<string>())
        {
            Assert.Equal(NumberDataViewType.Int32, schema[extra].Type);
            Assert.True(shape.Any(c => c.Name == extra), $"the estimator's shape lacks '{extra}'");
        }
    }

    [Fact]
    public void Row_ids_and_positions_follow_the_input()
    {
        var data = Scoring.Ml.Data.LoadFromEnumerable(Rows);
        var scored = Scoring.SmallWindow.Transform(data);
        using var input = data.GetRowCursor(data.Schema);
        using var cursor = scored.GetRowCursor(scored.Schema);
        var inputId = input.GetIdGetter();
        var id = cursor.GetIdGetter();
        DataViewRowId a = default, b = default;
        Assert.Equal(-1, cursor.Position);
        while (input.MoveNext())
        {
            Assert.True(cursor.MoveNext());
            Assert.Equal(input.Position, cursor.Position);
            inputId(ref a);
            id(ref b);
            Assert.Equal(a, b);
        }

        Assert.False(cursor.MoveNext());
        Assert.False(cursor.MoveNext());
    }

    [Fact]
    public void Reading_only_pass_through_columns_scores_nothing_and_still_works()
    {
        var data = Scoring.Ml.Data.LoadFromEnumerable(Rows);
        var scored = Scoring.SmallWindow.Transform(data);
        using var cursor = scored.GetRowCursor([scored.Schema["Number"]]);
        Assert.False(cursor.IsColumnActive(scored.Schema["Embedding"]));
        Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<VBuffer<float>>(scored.Schema["Embedding"]));
        var number = cursor.GetGetter<float>(scored.Schema["Number"]);
        var values = new List<float>();
        float x = 0;
        while (cursor.MoveNext())
        {
            number(ref x);
            values.Add(x);
        }

        Assert.Equal(Rows.Select(r => r.Number), values);
    }

    [Fact]
    public void Non_text_input_is_rejected_at_fit_and_schema_time_naming_column_and_type()
    {
        var data = Scoring.Ml.Data.LoadFromEnumerable(Rows);
        var estimator = Scoring.Ml.Transforms.ScoreBert("Embedding", "Number", Scoring.Options);
        TransformerChecks.CheckRejects(estimator, null, data, "Number", "Single", "text");

        var vector = Scoring.Ml.Transforms.ScoreBert("Embedding", "Vector", Scoring.Options);
        TransformerChecks.CheckRejects(vector, null, data, "Vector", "text");

        var missing = Scoring.Ml.Transforms.ScoreBert("Embedding", "Nope", Scoring.Options);
        TransformerChecks.CheckRejects(missing, null, data, "Nope", "not found");

        var numbers = Scoring.Ml.Data.LoadFromEnumerable(Rows.Select(r => new { Text = r.Number }));
        TransformerChecks.CheckRejects(Scoring.Ml.Transforms.ScoreBert("Embedding", "Text", Scoring.Options), Scoring.SmallWindow, numbers, "Text", "Single");
    }

    [Fact]
    public void Contradicting_options_are_rejected_when_the_estimator_is_created()
    {
        Assert.Throws<ArgumentException>(() => Scoring.Ml.Transforms.ScoreBert("E", "Text",
            Scoring.Options with { LongText = MLNet.Gelu.Bert.BertLongTextMode.Chunk, SecondInputColumnName = "Other" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Scoring.Ml.Transforms.ScoreBert("E", "Text", Scoring.Options with { WindowSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Scoring.Ml.Transforms.ScoreBert("E", "Text", Scoring.Options with { Activation = (Activation)99 }));
        Assert.Throws<ArgumentException>(() => Scoring.Ml.Transforms.ScoreBert("E", "Text", Scoring.Options with { TruncatedTokensColumnName = "E" }));
        Assert.Throws<ArgumentException>(() => Scoring.Ml.Transforms.ScoreBert("E", "Text", Scoring.Options with { TruncatedTokensColumnName = "N", TokenCountColumnName = "N" }));
    }

    public sealed class RichRow
    {
        public string Text { get; set; } = string.Empty;

        public float Number { get; set; }

        [VectorType(3)]
        public float[] Vector { get; set; } = [];

        public string Label { get; set; } = string.Empty;

        [KeyType(10)]
        public uint Key { get; set; }

        public bool Flag { get; set; }
    }
}

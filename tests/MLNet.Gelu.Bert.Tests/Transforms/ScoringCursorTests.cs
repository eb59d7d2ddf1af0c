using Microsoft.ML.Data;
using MLNet.Gelu.Bert.Tests.Support;

namespace MLNet.Gelu.Bert.Tests.Transforms;

/// <summary>What a batching cursor reports about the row it serves, although its input cursor has read ahead.</summary>
public class ScoringCursorTests
{
    private static readonly string[] Words = ["a", "b c", "d e f", "g", "h a b c d"];

    /// <summary>
    /// The input cursor reports batch <c>position / 3</c>; with a window of 5 rows it is up to 4 rows (a batch number)
    /// ahead of the row served. Every served row must report its own batch number and id, at every window size.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(64)]
    public void Batch_and_id_are_the_served_rows_not_the_input_cursors(int window)
    {
        using var transformer = Scoring.Ml.Transforms.ScoreBert("Embedding", "Text", ToyOptions(window)).Fit(Scoring.Texts("a"));
        var input = new GeneratedTexts(23, i => Words[i % Words.Length], rowsPerBatch: 3);
        var scored = transformer.Transform(input);
        using var cursor = scored.GetRowCursor(scored.Schema);
        var id = cursor.GetIdGetter();
        var embedding = cursor.GetGetter<VBuffer<float>>(scored.Schema["Embedding"]);
        DataViewRowId rowId = default;
        VBuffer<float> vector = default;
        long rows = 0;
        while (cursor.MoveNext())
        {
            Assert.Equal(rows, cursor.Position);
            Assert.Equal(rows / 3, cursor.Batch);
            id(ref rowId);
            Assert.Equal(new DataViewRowId((ulong)rows, 0), rowId);
            embedding(ref vector);
            Assert.Equal(4, vector.Length);
            rows++;
        }

        Assert.Equal(23, rows);
    }

    internal static BertScoringOptions ToyOptions(int window) => new()
    {
        Model = Toy.Model(new BertModelSettings { Pooling = BertPooling.Mean, Normalize = true, MaxTokens = 16 }),
        IntraOpThreads = 1,
        InterOpThreads = 1,
        SessionConfigEntries = new Dictionary<string, string> { ["session.intra_op.allow_spinning"] = "0" },
        WindowSize = window,
    };
}

using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Gelu.Bert.Tests.Transforms;

public class ScoringAllocationTests
{
    [Fact]
    public void Serving_rows_allocates_per_window_not_per_row()
    {
        using var transformer = Scoring.Ml.Transforms.ScoreBert("Embedding", "Text", Scoring.Options with { WindowSize = 128, TokenBudget = 4096 })
            .Fit(Scoring.Texts("x"));
        var few = Data(128);
        var many = Data(1024);
        Read(transformer, few);
        Read(transformer, many);

        var forFew = Allocated(() => Read(transformer, few));
        var forMany = Allocated(() => Read(transformer, many));

        // 896 more rows (7 more windows): far less than one 384-float vector (1.5 KB) per row.
        Assert.True(forMany - forFew < 896 * 64, $"128 rows: {forFew} bytes, 1024 rows: {forMany} bytes");
    }

    private static IDataView Data(int count) =>
        Scoring.Ml.Data.LoadFromEnumerable(Enumerable.Range(0, count).Select(i => new Row { Text = "abcdefgh"[..(1 + (i % 8))], Number = i }).ToArray());

    private static void Read(ITransformer transformer, IDataView data)
    {
        var scored = transformer.Transform(data);
        using var cursor = scored.GetRowCursor(scored.Schema);
        var embedding = cursor.GetGetter<VBuffer<float>>(scored.Schema["Embedding"]);
        var number = cursor.GetGetter<float>(scored.Schema["Number"]);
        VBuffer<float> vector = default;
        float x = 0;
        while (cursor.MoveNext())
        {
            embedding(ref vector);
            number(ref x);
        }
    }

    private static long Allocated(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    public sealed class Row
    {
        public string Text { get; set; } = string.Empty;

        public float Number { get; set; }
    }
}

using System.Collections.Concurrent;
using Microsoft.ML.Data;
using MLNet.Gelu.Bert.Tests.Support;

namespace MLNet.Gelu.Bert.Tests.Transforms;

/// <summary>
/// How a batching cursor sizes its windows (by tokens, capped in rows) and cuts them into model runs, seen through the
/// session's <c>BeforeRun</c> seam (rows and padded length of every run), and that rows still come out in input order.
/// </summary>
public class ScoringWindowTests
{
    [Fact]
    public void Defaults_size_windows_by_tokens_with_a_row_cap()
    {
        var options = new BertScoringOptions();
        Assert.Equal(32_768, options.WindowTokens);
        Assert.Equal(2_048, options.WindowSize);
    }

    [Fact]
    public void A_window_closes_once_it_holds_WindowTokens_tokens()
    {
        // 12 rows of 4 tokens ([CLS] a b [SEP]); windows of 16 tokens hold 4 rows each, however large WindowSize is.
        var runs = Runs(Enumerable.Repeat("a b", 12), ScoringCursorTests.ToyOptions(100) with { WindowTokens = 16 });
        Assert.Equal([(4, 4), (4, 4), (4, 4)], runs);
    }

    [Fact]
    public void A_window_may_exceed_WindowTokens_by_its_last_row_and_holds_at_least_one_row()
    {
        // 3 + 16 tokens close the first window (19 >= 10, one run of both rows); "b" is the second window. With
        // WindowTokens = 1 every row is a window of its own.
        string longRow = string.Join(' ', Enumerable.Repeat("a", 14));
        Assert.Equal([(1, 3), (2, 16)], Runs(["a", longRow, "b"], ScoringCursorTests.ToyOptions(100) with { WindowTokens = 10 }).Order());
        Assert.Equal([(1, 3), (1, 3), (1, 16)], Runs(["a", longRow, "b"], ScoringCursorTests.ToyOptions(100) with { WindowTokens = 1 }).Order());
    }

    [Fact]
    public void WindowSize_still_caps_the_rows_of_a_window()
    {
        var runs = Runs(Enumerable.Repeat("a", 7), ScoringCursorTests.ToyOptions(3) with { WindowTokens = 1 << 20 });
        Assert.Equal([(3, 3), (3, 3), (1, 3)], runs);
    }

    [Fact]
    public void Short_rows_do_not_pad_to_a_long_row_of_their_window()
    {
        // Filling the budget would run all 41 rows padded to 16 tokens (656 slots); the cheaper cut runs the 40 short rows
        // at their own length and the long row alone.
        string longRow = string.Join(' ', Enumerable.Repeat("a", 14));
        var texts = Enumerable.Repeat("a", 20).Append(longRow).Concat(Enumerable.Repeat("b", 20));
        Assert.Equal([(1, 16), (40, 3)], Runs(texts, ScoringCursorTests.ToyOptions(100)).Order());
    }

    [Theory]
    [InlineData(1, 1 << 20)]
    [InlineData(1000, 7)]
    [InlineData(1000, 40)]
    [InlineData(1000, 1 << 20)]
    [InlineData(9, 25)]
    public void Rows_come_out_in_input_order_with_their_own_vectors(int windowSize, int windowTokens)
    {
        string[] words = ["a", "b c", "d e f g h a b c d e f g h", "g", "h a b c d", "a b c d e f g h a b c d e f g h a b"];
        var texts = Enumerable.Range(0, 157).Select(i => words[(i * 7 + (i / 5)) % words.Length]).ToArray();
        using var embedder = Toy.Embedder(BertPooling.Mean, normalize: true);
        var expected = texts.Select(t => embedder.Embed(t)).ToArray();
        using var transformer = Scoring.Ml.Transforms.ScoreBert("Embedding", "Text", ScoringCursorTests.ToyOptions(windowSize) with { WindowTokens = windowTokens })
            .Fit(Scoring.Texts("a"));
        var (vectors, _) = Scoring.Read(transformer.Transform(Scoring.Texts(texts)));
        Assert.Equal(texts.Length, vectors.Length);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.True(Vectors.MaxAbsDifference(expected[i], vectors[i]) <= 1e-5f, $"row {i} ('{texts[i]}')");
        }
    }

    [Fact]
    public void A_cursor_over_few_rows_does_not_allocate_a_full_default_window()
    {
        // The default window may hold 2,048 rows; a cursor grows its buffers to what its windows hold.
        using var transformer = Scoring.Ml.Transforms.ScoreBert("Embedding", "Text", ScoringCursorTests.ToyOptions(2048) with { WindowTokens = 16_384 })
            .Fit(Scoring.Texts("a"));
        var data = Scoring.Texts("a", "b c", "d");
        Scoring.Read(transformer.Transform(data));
        var before = GC.GetAllocatedBytesForCurrentThread();
        Scoring.Read(transformer.Transform(data));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // A full window's row arrays alone (ids, batch numbers, two counts, text) are over 2,048 × 40 bytes.
        Assert.True(allocated < 2048 * 40, $"{allocated} bytes for 3 rows");
    }

    /// <summary>Scores <paramref name="texts"/> through a cursor; returns (rows, padded length) of every model run, in run order.</summary>
    private static List<(int Rows, int Length)> Runs(IEnumerable<string> texts, BertScoringOptions options)
    {
        using var transformer = Scoring.Ml.Transforms.ScoreBert("Embedding", "Text", options).Fit(Scoring.Texts("a"));
        var runs = new ConcurrentQueue<(int, int)>();
        transformer.Session.BeforeRun = (rows, length, _) => runs.Enqueue((rows, length));
        var scored = transformer.Transform(Scoring.Texts([.. texts]));
        using var cursor = scored.GetRowCursor(scored.Schema);
        var embedding = cursor.GetGetter<VBuffer<float>>(scored.Schema["Embedding"]);
        VBuffer<float> vector = default;
        while (cursor.MoveNext())
        {
            embedding(ref vector);
        }

        return [.. runs];
    }
}

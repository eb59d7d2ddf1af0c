using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Bert.Tests.Support;

namespace MLNet.Gelu.Bert.Tests.Transforms;

/// <summary>
/// Cancellation stops the pass it was given to and nothing else: the transformer, its other views, its prediction
/// engines and a saved and reloaded copy keep working. The passes read a generated view that cancels the token when its
/// cursor reaches a chosen row, so where a pass stops is exact.
/// </summary>
public class ScoringCancellationTests
{
    private const int Rows = 40;
    private const int Window = 4;
    private static readonly string[] Words = ["a", "b c", "d e f", "g", "h a b c d", "e##s f"];

    private static readonly Lazy<float[][]> Alone = new(() =>
    {
        var options = ScoringCursorTests.ToyOptions(Window);
        using var embedder = new BertEmbedder(options.Model, options);
        return [.. Enumerable.Range(0, Rows).Select(i => embedder.Embed(Words[i % Words.Length]))];
    });

    /// <summary>
    /// The token fires while the input cursor moves onto row 10 (in the third window): rows 0–7 of the two windows scored
    /// before are served, then <c>MoveNext</c> throws before the next row is read. Afterwards plain views, views with other
    /// tokens and prediction engines of the same transformer score every row correctly; only a new cursor over the view
    /// bound to the cancelled token stops at once.
    /// </summary>
    [Fact]
    public void A_cancelled_pass_stops_and_later_passes_and_engines_on_the_same_transformer_work()
    {
        using var transformer = Scoring.Ml.Transforms.ScoreBert("Embedding", "Text", ScoringCursorTests.ToyOptions(Window)).Fit(Scoring.Texts("a"));
        using var cancellation = new CancellationTokenSource();
        var cancelled = transformer.Transform(CancellingAt(10, cancellation), cancellation.Token);

        var (served, error) = ReadUntilStopped(cancelled);
        Assert.Equal(8, served.Count);
        Assert.Equal(cancellation.Token, Assert.IsAssignableFrom<OperationCanceledException>(error).CancellationToken);
        AssertAlone(served);

        AssertAlone(ReadAll(transformer.Transform(Generated())));
        using var other = new CancellationTokenSource();
        AssertAlone(ReadAll(transformer.Transform(Generated(), other.Token)));
        using (var engine = Scoring.Ml.Model.CreatePredictionEngine<Scoring.TextRow, Scoring.EmbeddingRow>(transformer, new PredictionEngineOptions { OwnsTransformer = false }))
        {
            Assert.True(Vectors.MaxAbsDifference(Alone.Value[4], engine.Predict(new Scoring.TextRow { Text = Words[4] }).Embedding) < 1e-6f);
        }

        var (again, stopped) = ReadUntilStopped(cancelled);
        Assert.Empty(again);
        Assert.IsAssignableFrom<OperationCanceledException>(stopped);
    }

    /// <summary>
    /// The token fires while the last row of the first window is read: the window is complete, so the pass stops in the
    /// batcher, before the model runs any batch of it, and no row is served.
    /// </summary>
    [Fact]
    public void A_token_that_fires_when_a_window_is_read_stops_the_pass_before_the_model_runs()
    {
        using var transformer = Scoring.Ml.Transforms.ScoreBert("Embedding", "Text", ScoringCursorTests.ToyOptions(Window)).Fit(Scoring.Texts("a"));
        using var cancellation = new CancellationTokenSource();
        var (served, error) = ReadUntilStopped(transformer.Transform(CancellingAt(Window - 1, cancellation), cancellation.Token));
        Assert.Empty(served);
        Assert.IsAssignableFrom<OperationCanceledException>(error);
        AssertAlone(ReadAll(transformer.Transform(Generated())));
    }

    /// <summary>No token is part of the model, so a reloaded transformer cancels per pass exactly like the one saved.</summary>
    [Fact]
    public void A_reloaded_transformer_cancels_a_pass_the_same_way_and_keeps_working()
    {
        var ml = new MLContext(seed: 1);
        using var stream = new MemoryStream();
        using (var original = ml.Transforms.ScoreBert("Embedding", "Text", ScoringCursorTests.ToyOptions(Window)).Fit(Scoring.Texts("a")))
        {
            ml.Model.SaveWithActivations(original, Scoring.Texts("a").Schema, stream);
        }

        stream.Position = 0;
        using var restored = Assert.IsType<BertScoringTransformer>(ml.Model.LoadWithActivations(stream, out _));
        using var cancellation = new CancellationTokenSource();
        var (served, error) = ReadUntilStopped(restored.Transform(CancellingAt(10, cancellation), cancellation.Token));
        Assert.Equal(8, served.Count);
        Assert.IsAssignableFrom<OperationCanceledException>(error);
        AssertAlone(served);
        AssertAlone(ReadAll(restored.Transform(Generated())));
    }

    /// <summary>
    /// A pipeline that holds ScoreBert, read through <c>mlContext.Data.WithCancellation</c>: the pass stops at the next
    /// row read after the token fired (at most the same 8 rows), and a <c>Fit</c> that reads such a view stops too (ML.NET's
    /// parallel readers wrap the <see cref="OperationCanceledException"/> in an <see cref="InvalidOperationException"/>).
    /// The pipeline and the data keep working.
    /// </summary>
    [Fact]
    public void WithCancellation_stops_pipeline_passes_and_leaves_the_pipeline_and_the_data_usable()
    {
        var ml = Scoring.Ml;
        using var chain = ml.Transforms.ScoreBert("Embedding", "Text", ScoringCursorTests.ToyOptions(Window))
            .Append(ml.Transforms.CopyColumns("Copy", "Embedding"))
            .Fit(Scoring.Texts("a"));
        using var cancellation = new CancellationTokenSource();
        var input = CancellingAt(10, cancellation);
        var view = ml.Data.WithCancellation(input, cancellation.Token);
        Assert.Same(input.Schema, view.Schema);
        Assert.Equal(Rows, view.GetRowCount());

        // ML.NET's CopyColumns reads ahead on a worker thread, which may fail before the rows it read are served.
        var (served, error) = ReadUntilStopped(chain.Transform(view));
        Assert.InRange(served.Count, 0, 8);
        Assert.IsAssignableFrom<OperationCanceledException>(error);
        AssertAlone(served);

        var normalize = ml.Transforms.NormalizeMinMax("Copy");
        var fit = Record.Exception(() => normalize.Fit(chain.Transform(ml.Data.WithCancellation(Generated(), new CancellationToken(canceled: true)))));
        Assert.NotNull(Canceled(fit));

        AssertAlone(ReadAll(chain.Transform(Generated())));
        var fitted = normalize.Fit(chain.Transform(ml.Data.WithCancellation(Generated(), CancellationToken.None)));
        Assert.Equal(Rows, ReadAll(fitted.Transform(chain.Transform(Generated()))).Count);
    }

    private static GeneratedTexts Generated() => new(Rows, i => Words[i % Words.Length]);

    private static GeneratedTexts CancellingAt(long row, CancellationTokenSource cancellation) => new(Rows, i => Words[i % Words.Length])
    {
        OnRow = position =>
        {
            if (position == row)
            {
                cancellation.Cancel();
            }
        },
    };

    private static List<float[]> ReadAll(IDataView scored)
    {
        var (rows, error) = ReadUntilStopped(scored);
        Assert.Null(error);
        return rows;
    }

    /// <summary>The embeddings served before the pass stopped, and what stopped it (null when it read to the end).</summary>
    private static (List<float[]> Rows, Exception? Error) ReadUntilStopped(IDataView scored)
    {
        var rows = new List<float[]>();
        using var cursor = scored.GetRowCursor(scored.Schema);
        var embedding = cursor.GetGetter<VBuffer<float>>(scored.Schema["Embedding"]);
        VBuffer<float> value = default;
        try
        {
            while (cursor.MoveNext())
            {
                embedding(ref value);
                rows.Add(value.DenseValues().ToArray());
            }
        }
        catch (Exception e) when (Canceled(e) is { } canceled)
        {
            return (rows, canceled);
        }

        return (rows, null);
    }

    /// <summary>
    /// The <see cref="OperationCanceledException"/> in <paramref name="e"/>'s chain: ML.NET's own cursors that read in
    /// parallel (a chain's <c>CopyColumns</c>) wrap their source's exceptions in <see cref="InvalidOperationException"/>.
    /// </summary>
    private static OperationCanceledException? Canceled(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is OperationCanceledException canceled)
            {
                return canceled;
            }
        }

        return null;
    }

    private static void AssertAlone(List<float[]> rows)
    {
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.True(Vectors.MaxAbsDifference(Alone.Value[i], rows[i]) < 1e-6f, $"row {i}");
        }
    }
}

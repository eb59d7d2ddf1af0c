using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Bert.Tests.Support;
using MLNet.Gelu.Bert.Tests.Transforms;

namespace MLNet.Gelu.Bert.Tests.Reliability;

/// <summary><see cref="BertScoringTransformer.Dispose"/> racing cursors and prediction engines that share the transformer.</summary>
public class TransformerDisposeTests
{
    private static readonly string[] Texts = EmbedderDisposeTests.Texts;

    private static readonly Lazy<float[][]> Alone = new(() =>
    {
        using var reference = EmbedderDisposeTests.ToyEmbedder();
        return [.. Texts.Select(t => reference.Embed(t))];
    });

    private static MLContext Ml => Scoring.Ml;

    /// <summary>The toy as <see cref="EmbedderDisposeTests.ToyOptions"/> scores it, in windows of 4 rows.</summary>
    internal static BertScoringTransformer ToyTransformer(string? truncatedTokens = null) =>
        Ml.Transforms.ScoreBert("Embedding", "Text", new BertScoringOptions
        {
            Model = Toy.Model(new BertModelSettings { Pooling = BertPooling.Mean, Normalize = true, MaxTokens = 16 }),
            MaxBatchSize = EmbedderDisposeTests.ToyOptions.MaxBatchSize,
            IntraOpThreads = 1,
            InterOpThreads = 1,
            SessionConfigEntries = EmbedderDisposeTests.ToyOptions.SessionConfigEntries,
            WindowSize = 4,
            TruncatedTokensColumnName = truncatedTokens,
        }).Fit(Scoring.Texts("a"));

    /// <summary>
    /// 60 rounds × 3 threads, each enumerating <c>transformer.Transform(data)</c> (a row cursor on even calls,
    /// <c>CreateEnumerable</c> on odd ones) while the transformer is disposed; every row served must be right.
    /// </summary>
    [Fact]
    public void Cursors_racing_dispose_serve_the_rows_alone_or_throw_object_disposed_and_release_once()
    {
        const int Rounds = 60, Workers = 3;
        var data = Scoring.Texts(Texts);
        var alone = Alone.Value;
        var race = new DisposeRace(nameof(BertScoringTransformer), seed: 5);
        for (int round = 0; round < Rounds; round++)
        {
            var transformer = ToyTransformer();
            race.Round(Workers, (_, i) => i % 2 == 0 ? ReadWithCursor(transformer.Transform(data), alone) : ReadEnumerable(transformer.Transform(data), alone), transformer.Dispose);

            Assert.True(transformer.Session.IsReleased, $"round {round}: not released after every cursor left");
            Assert.Equal(1, transformer.Session.ReleaseCount);
        }

        race.AssertHeld(Rounds * Workers);
    }

    /// <summary>
    /// 60 rounds: 3 threads predict on their own engines over one transformer while this thread predicts on a fourth
    /// engine created with the default <c>OwnsTransformer = true</c> and disposes it, which disposes the shared
    /// transformer. The workers' engines own it too and are disposed after the round: a second dispose releases nothing.
    /// </summary>
    [Fact]
    public void Prediction_engines_racing_the_dispose_of_an_owning_engine_predict_alone_or_throw_object_disposed()
    {
        const int Rounds = 60, Workers = 3;
        var alone = Alone.Value;
        var race = new DisposeRace(nameof(BertScoringTransformer), seed: 7);
        for (int round = 0; round < Rounds; round++)
        {
            var transformer = ToyTransformer();
            var owner = Ml.Model.CreatePredictionEngine<Scoring.TextRow, Scoring.EmbeddingRow>(transformer);
            var engines = Enumerable.Range(0, Workers).Select(_ => Ml.Model.CreatePredictionEngine<Scoring.TextRow, Scoring.EmbeddingRow>(transformer)).ToArray();
            string? ownerWrong = null;
            race.Round(
                Workers,
                (w, i) =>
                {
                    int k = (w + i) % Texts.Length;
                    return DisposeRace.Compare(alone[k], engines[w].Predict(new Scoring.TextRow { Text = Texts[k] }).Embedding, $"text {k}");
                },
                () =>
                {
                    ownerWrong ??= DisposeRace.Compare(alone[round % Texts.Length], owner.Predict(new Scoring.TextRow { Text = Texts[round % Texts.Length] }).Embedding, "owner");
                    owner.Dispose();
                });

            Assert.Null(ownerWrong);
            Assert.True(transformer.Session.IsDisposed, "disposing the owning engine disposes the transformer");
            Assert.True(transformer.Session.IsReleased, $"round {round}: not released after every prediction left");
            foreach (var engine in engines)
            {
                engine.Dispose();
            }

            Assert.Equal(1, transformer.Session.ReleaseCount);
        }

        race.AssertHeld(Rounds * Workers);
    }

    /// <summary>2 rounds × 2 threads of MiniLM prediction engines, whose runs are long enough for the dispose to land inside one.</summary>
    [Fact]
    public void MiniLM_prediction_engines_racing_the_owning_engine_dispose_predict_alone_or_throw_object_disposed()
    {
        const int Rounds = 2, Workers = 2;
        string[] texts = ["A cat sits on the mat and looks out of the window at the birds in the garden.", "Stocks fell sharply today."];
        var alone = texts.Select(t => MiniLm.Embedder.Embed(t)).ToArray();
        var race = new DisposeRace(nameof(BertScoringTransformer), seed: 9);
        for (int round = 0; round < Rounds; round++)
        {
            var transformer = Ml.Transforms.ScoreBert("Embedding", "Text", Scoring.Options).Fit(Scoring.Texts("x"));
            var engines = Enumerable.Range(0, Workers).Select(_ => Ml.Model.CreatePredictionEngine<Scoring.TextRow, Scoring.EmbeddingRow>(
                transformer, new PredictionEngineOptions { OwnsTransformer = false })).ToArray();
            var owner = Ml.Model.CreatePredictionEngine<Scoring.TextRow, Scoring.EmbeddingRow>(transformer, new PredictionEngineOptions { OwnsTransformer = true });
            race.Round(Workers, (w, i) => DisposeRace.Compare(alone[(w + i) % 2], engines[w].Predict(new Scoring.TextRow { Text = texts[(w + i) % 2] }).Embedding, "embedding"), owner.Dispose);
            Assert.True(transformer.Session.IsReleased);
            Assert.Equal(1, transformer.Session.ReleaseCount);
            foreach (var engine in engines)
            {
                engine.Dispose();
            }
        }

        race.AssertHeld(Rounds * Workers);
    }

    [Fact]
    public void Scoring_after_dispose_throws_object_disposed_naming_the_transformer_and_schemas_still_bind()
    {
        var transformer = ToyTransformer(truncatedTokens: "Dropped");
        var data = Scoring.Texts(Texts);
        var engine = Ml.Model.CreatePredictionEngine<Scoring.TextRow, Scoring.EmbeddingRow>(transformer, new PredictionEngineOptions { OwnsTransformer = false });
        Assert.Null(ReadWithCursor(transformer.Transform(data), Alone.Value));
        transformer.Dispose();
        transformer.Dispose();

        var scored = transformer.Transform(data);
        Assert.Equal(4, ((VectorDataViewType)scored.Schema["Embedding"].Type).Size);
        Assert.Equal(nameof(BertScoringTransformer), Assert.Throws<ObjectDisposedException>(() => ReadWithCursor(scored, Alone.Value)).ObjectName);
        using (var counts = scored.GetRowCursor([scored.Schema["Dropped"]]))
        {
            Assert.Equal(nameof(BertScoringTransformer), Assert.Throws<ObjectDisposedException>(() => counts.MoveNext()).ObjectName);
        }

        Assert.Equal(nameof(BertScoringTransformer), Assert.Throws<ObjectDisposedException>(() => engine.Predict(new Scoring.TextRow { Text = "a" })).ObjectName);
        var late = Ml.Model.CreatePredictionEngine<Scoring.TextRow, Scoring.EmbeddingRow>(transformer);
        Assert.Throws<ObjectDisposedException>(() => late.Predict(new Scoring.TextRow { Text = "a" }));
        late.Dispose();
        engine.Dispose();
        Assert.Equal(1, transformer.Session.ReleaseCount);
    }

    /// <summary>Reads every row with a cursor, checking each as it is served; null when all are right.</summary>
    private static string? ReadWithCursor(IDataView scored, float[][] alone)
    {
        using var cursor = scored.GetRowCursor([scored.Schema["Embedding"]]);
        var getter = cursor.GetGetter<VBuffer<float>>(scored.Schema["Embedding"]);
        VBuffer<float> value = default;
        int row = 0;
        while (cursor.MoveNext())
        {
            getter(ref value);
            if (row >= alone.Length)
            {
                return $"more than {alone.Length} rows";
            }

            if (DisposeRace.Compare(alone[row], value.DenseValues().ToArray(), $"row {row}") is { } wrong)
            {
                return wrong;
            }

            row++;
        }

        return row == alone.Length ? null : $"{row} rows, expected {alone.Length}";
    }

    private static string? ReadEnumerable(IDataView scored, float[][] alone)
    {
        int row = 0;
        foreach (var item in Ml.Data.CreateEnumerable<Scoring.EmbeddingRow>(scored, reuseRowObject: false))
        {
            if (row >= alone.Length)
            {
                return $"more than {alone.Length} rows";
            }

            if (DisposeRace.Compare(alone[row], item.Embedding, $"row {row}") is { } wrong)
            {
                return wrong;
            }

            row++;
        }

        return row == alone.Length ? null : $"{row} rows, expected {alone.Length}";
    }
}

using Microsoft.ML;
using MLNet.Gelu.Bert.Tests.Support;

namespace MLNet.Gelu.Bert.Tests.Transforms;

public class ScoringPredictionEngineTests
{
    [Fact]
    public void Prediction_engine_scores_one_row_like_the_embedder_and_leaves_the_shared_model_usable()
    {
        var model = Scoring.SmallWindow;
        string[] texts = ["A cat sits on the mat.", "", "Stocks fell sharply today, and nobody was surprised."];
        using (var engine = Scoring.Ml.Model.CreatePredictionEngine<Scoring.TextRow, Scoring.EmbeddingRow>(
            model, new PredictionEngineOptions { OwnsTransformer = false }))
        {
            foreach (var text in texts)
            {
                var embedding = engine.Predict(new Scoring.TextRow { Text = text }).Embedding;
                Assert.Equal(384, embedding.Length);
                Assert.True(Vectors.MaxAbsDifference(MiniLm.Embedder.Embed(text), embedding) < 1e-5f, text);
            }
        }

        // The engine did not own the transformer: its session still runs.
        var (after, _) = Scoring.Read(model.Transform(Scoring.Texts(texts)));
        Assert.True(Vectors.MaxAbsDifference(MiniLm.Embedder.Embed(texts[0]), after[0]) < 1e-5f);
    }

    [Fact]
    public void Prediction_engine_reports_dropped_tokens()
    {
        var longText = string.Concat(Enumerable.Repeat("word ", 400));
        using var engine = Scoring.Ml.Model.CreatePredictionEngine<Scoring.TextRow, DroppedRow>(
            Scoring.SmallWindow, new PredictionEngineOptions { OwnsTransformer = false });
        var dropped = new int[1];
        MiniLm.Embedder.Embed([longText], dropped);
        Assert.True(dropped[0] > 0);
        Assert.Equal(dropped[0], engine.Predict(new Scoring.TextRow { Text = longText }).Dropped);
        Assert.Equal(0, engine.Predict(new Scoring.TextRow { Text = "short" }).Dropped);
    }

    public sealed class DroppedRow
    {
        public int Dropped { get; set; }
    }
}

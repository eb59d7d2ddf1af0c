using Microsoft.ML;
using MLNet.Gelu.Bert.Tests.Support;
using MLNet.Gelu.Bert.Tests.Transforms;
using MLNet.Gelu.Tests.TestSupport;

namespace MLNet.Gelu.Bert.Tests.Quantization;

/// <summary>
/// ScoreBert and the embedding generator with <see cref="BertPrecision.Int8"/>: the same vectors as the embedder, and ScoreBert saved
/// and restored as Int8.
/// </summary>
public class Int8ScoreBertTests
{
    private static readonly string?[] Texts =
        ["A cat sits on the mat.", null, "Stocks fell sharply today.", "The food was great but the service was slow.", string.Concat(Enumerable.Repeat("long text ", 200))];

    [Fact]
    public void A_saved_Int8_model_reloads_as_Int8_and_reproduces_its_outputs_exactly()
    {
        var data = Scoring.Texts(Texts);
        using var model = Scoring.Ml.Transforms.ScoreBert("Embedding", "Text", Scoring.Options with { Precision = BertPrecision.Int8, WindowSize = 3 }).Fit(data);
        Assert.Equal(36, model.Quantization!.Quantized.Count);

        var loaded = TransformerChecks.CheckSaveLoad(
            model, data, relativeTolerance: 0,
            save: (ml, m, schema, stream) => ml.Model.SaveWithActivations(m, schema, stream),
            load: (ml, stream) => ml.Model.LoadWithActivations(stream, out _));
        using var restored = Assert.IsType<BertScoringTransformer>(loaded);
        Assert.Equal(BertPrecision.Int8, restored.Options.Precision);
        Assert.NotNull(restored.Quantization);
        Assert.Equal(model.Quantization.Quantized.Select(q => q.Site), restored.Quantization!.Quantized.Select(q => q.Site));
        Assert.Equal(model.Model.OnnxModel.ToArray(), restored.Model.OnnxModel.ToArray());
        Assert.Equal(Scoring.Read(model.Transform(data)).Embeddings, Scoring.Read(restored.Transform(data)).Embeddings);
    }

    [Fact]
    public void The_Int8_transform_scores_like_the_Int8_embedder_and_unlike_float32()
    {
        var data = Scoring.Texts(Texts);
        using var model = Scoring.Ml.Transforms.ScoreBert("Embedding", "Text", Scoring.Options with { Precision = BertPrecision.Int8 }).Fit(data);
        using var embedder = new BertEmbedder(MiniLm.Model, MiniLm.Options with { Precision = BertPrecision.Int8 });
        var scored = Scoring.Read(model.Transform(data)).Embeddings;
        var expected = embedder.Embed(Texts);
        var float32 = MiniLm.Embedder.Embed(Texts);
        for (int i = 0; i < Texts.Length; i++)
        {
            Assert.True(Vectors.MaxAbsDifference(expected[i], scored[i]) < 1e-5f, $"text {i}");
            Assert.True(Vectors.MaxAbsDifference(float32[i], scored[i]) > 1e-4f, $"text {i} is not quantized");
            Assert.True(Vectors.Cosine(float32[i], scored[i]) >= Int8Bounds.MiniLmMinCosine, $"text {i}");
        }
    }

    [Fact]
    public async Task The_Int8_generator_gives_the_Int8_embedders_vectors_however_it_batches()
    {
        using var generator = new BertEmbeddingGenerator(MiniLm.Model, Serving.Serving.MiniLmOptions with { Precision = BertPrecision.Int8 });
        using var embedder = new BertEmbedder(MiniLm.Model, MiniLm.Options with { Precision = BertPrecision.Int8 });
        string[] texts = [.. Texts.Select(t => t ?? string.Empty)];
        var generated = await generator.GenerateAsync(texts);
        for (int i = 0; i < texts.Length; i++)
        {
            var alone = embedder.Embed(texts[i]);
            Assert.True(Vectors.MaxAbsDifference(alone, generated[i].Vector.Span) < 1e-5f, $"text {i}");
        }
    }
}

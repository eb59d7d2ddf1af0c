using System.Text;
using MLNet.Gelu.Bert.Tests.Support;

namespace MLNet.Gelu.Bert.Orleans.Tests.Support;

/// <summary>The toy encoder (output known by hand, scored in microseconds), as the silos and the local reference load it.</summary>
internal static class Toy
{
    /// <summary>Mean pooling, no normalization, at most 16 tokens: each text's vector is the mean of its token vectors.</summary>
    public static BertModelSettings Settings { get; } = new() { Pooling = BertPooling.Mean, Normalize = false, MaxTokens = 16 };

    private static readonly Lazy<BertEmbedder> LazyEmbedder = new(() => new BertEmbedder(Model()));

    /// <summary>A fresh toy model (each silo loads its own, as separate machines would).</summary>
    public static BertModel Model() =>
        BertModel.FromStreams(new MemoryStream(TinyOnnx.ToyEncoder()), new MemoryStream(Encoding.UTF8.GetBytes(TinyOnnx.ToyVocabulary)), Settings, "toy");

    /// <summary>Writes the toy's model and vocabulary files into <paramref name="folder"/> (for silo processes).</summary>
    public static (string Onnx, string Vocabulary) WriteFiles(string folder)
    {
        string onnx = Path.Combine(folder, "toy.onnx"), vocabulary = Path.Combine(folder, "toy-vocab.txt");
        File.WriteAllBytes(onnx, TinyOnnx.ToyEncoder());
        File.WriteAllText(vocabulary, TinyOnnx.ToyVocabulary);
        return (onnx, vocabulary);
    }

    /// <summary>Toy text <paramref name="i"/>: 1–7 copies of one of the vocabulary's letters, so that neighbours differ.</summary>
    public static string Text(int i) => string.Join(' ', Enumerable.Repeat(((char)('a' + ((i / 7) % 8))).ToString(), (i % 7) + 1));

    /// <summary>What <see cref="BertEmbedder.Embed(string?)"/> gives a text alone.</summary>
    public static float[] Alone(string? text) => LazyEmbedder.Value.Embed(text);
}

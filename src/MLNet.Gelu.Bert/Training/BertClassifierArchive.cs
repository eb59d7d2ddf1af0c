using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using MLNet.Gelu.Encoder;
using MLNet.Gelu.Persistence;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Writes a <see cref="BertClassifierTransformer"/> into a model zip — its parameters (<c>weights.bin</c>), vocabulary
/// (<c>vocab.txt</c>) and, as JSON state, the encoder's shape, the columns and the tokenizer settings — and restores it
/// around the ML.NET head that the stand-in (<see cref="BertClassifierSurrogate"/>) kept.
/// </summary>
internal sealed class BertClassifierArchive : ITransformerRestorer
{
    internal const string Kind = "BertClassifier";
    private const string WeightsEntry = "weights.bin";
    private const string VocabularyEntry = "vocab.txt";

    internal static JsonObject Write(BertClassifierTransformer transformer, ZipArchive archive, string folder)
    {
        using (var weights = archive.CreateEntry(folder + WeightsEntry, CompressionLevel.Fastest).Open())
        {
            transformer.Weights.WriteTo(weights);
        }

        ArchiveEntries.WriteBytes(archive, folder + VocabularyEntry, System.Text.Encoding.UTF8.GetBytes(transformer.Tokenizer.Vocabulary.Text));
        var state = new State
        {
            Configuration = transformer.Weights.Configuration,
            TextColumn = transformer.TextColumnName,
            SecondTextColumn = transformer.SecondTextColumnName,
            LowerCase = transformer.LowerCase,
            MaxTokens = transformer.Tokenizer.MaxTokens,
            Threads = transformer.Threads,
        };
        return JsonSerializer.SerializeToNode(state, ArchiveEntries.Json)!.AsObject();
    }

    public ITransformer Restore(ITransformer surrogate, ArchivedComponent component)
    {
        var head = BertClassifierSurrogate.HeadOf(surrogate) ?? throw new InvalidDataException(
            $"The manifest of {component.Source} records a BERT classifier at position {component.Where}, but the model holds {surrogate.GetType().Name} there. The file was changed after saving.");
        var state = component.ReadState<State>(null);
        var configuration = state.Configuration ?? throw new InvalidDataException($"The BERT classifier at {component.Where} of {component.Source} records no encoder shape.");
        configuration.Validate();
        EncoderWeights weights;
        using (var stream = component.Open(WeightsEntry))
        using (var copy = new MemoryStream())
        {
            stream.CopyTo(copy);
            copy.Position = 0;
            weights = EncoderWeights.ReadFrom(copy, configuration);
        }

        BertVocabulary vocabulary;
        using (var stream = component.Open(VocabularyEntry))
        using (var reader = new StreamReader(stream))
        {
            vocabulary = BertVocabulary.Parse(reader.ReadToEnd(), component.Source);
        }

        var tokenizer = new BertTextTokenizer(vocabulary, state.LowerCase, state.MaxTokens);
        return new BertClassifierTransformer(weights, tokenizer, state.LowerCase, state.TextColumn, state.SecondTextColumn, head, state.Threads);
    }

    private sealed class State
    {
        public EncoderConfiguration? Configuration { get; set; }

        public string TextColumn { get; set; } = "Text";

        public string? SecondTextColumn { get; set; }

        public bool LowerCase { get; set; } = true;

        public int MaxTokens { get; set; } = 128;

        public int Threads { get; set; } = 1;
    }
}

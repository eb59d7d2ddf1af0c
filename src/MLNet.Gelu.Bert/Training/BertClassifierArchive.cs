using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using MLNet.Gelu.Bert.Training;
using MLNet.Gelu.Encoder;
using MLNet.Gelu.Persistence;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Writes a <see cref="BertClassifierTransformer"/> into a model zip — its parameters (<c>weights.bin</c>), vocabulary
/// (<c>vocab.txt</c>), trained from scratch the word piece of each embedding row (<c>word-piece-rows.txt</c>) and, as JSON
/// state, the encoder's shape, the columns and the tokenizer settings — and restores it
/// around the ML.NET head that the stand-in (<see cref="BertClassifierSurrogate"/>) kept.
/// </summary>
internal sealed class BertClassifierArchive : ITransformerRestorer
{
    internal const string Kind = "BertClassifier";
    private const string WeightsEntry = "weights.bin";
    private const string VocabularyEntry = "vocab.txt";
    private const string RowsEntry = "word-piece-rows.txt";

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
            FromScratch = transformer.Rows is not null,
        };
        if (transformer.Rows is { } rows)
        {
            string lines = string.Join('\n', rows.Ids.Select(id => id.ToString(CultureInfo.InvariantCulture)));
            ArchiveEntries.WriteBytes(archive, folder + RowsEntry, System.Text.Encoding.UTF8.GetBytes(lines));
        }

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

        WordPieceRows? rows = null;
        if (state.FromScratch)
        {
            rows = new WordPieceRows(ReadRows(component), vocabulary);
            if (rows.Count != configuration.VocabularySize)
            {
                throw new InvalidDataException(
                    $"The BERT classifier at {component.Where} of {component.Source} maps word pieces to {rows.Count} embedding rows, but its encoder has {configuration.VocabularySize}.");
            }
        }

        var tokenizer = new BertTextTokenizer(vocabulary, state.LowerCase, state.MaxTokens);
        return new BertClassifierTransformer(weights, tokenizer, state.LowerCase, state.TextColumn, state.SecondTextColumn, head, state.Threads, rows);
    }

    /// <summary>The WordPiece id of each embedding row, one per line.</summary>
    private static int[] ReadRows(ArchivedComponent component)
    {
        using var stream = component.Open(RowsEntry);
        using var reader = new StreamReader(stream);
        var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var ids = new int[lines.Length];
        for (int i = 0; i < lines.Length; i++)
        {
            if (!int.TryParse(lines[i], NumberStyles.None, CultureInfo.InvariantCulture, out ids[i]))
            {
                throw new InvalidDataException($"Line {i + 1} of {RowsEntry} of the BERT classifier at {component.Where} of {component.Source} is not a word piece id: '{lines[i]}'.");
            }
        }

        return ids;
    }

    private sealed class State
    {
        public EncoderConfiguration? Configuration { get; set; }

        public string TextColumn { get; set; } = "Text";

        public string? SecondTextColumn { get; set; }

        public bool LowerCase { get; set; } = true;

        public int MaxTokens { get; set; } = 128;

        public int Threads { get; set; } = 1;

        /// <summary>Trained from scratch: the embedding rows are those of the word pieces listed in <see cref="RowsEntry"/>, not the WordPiece ids.</summary>
        public bool FromScratch { get; set; }
    }
}

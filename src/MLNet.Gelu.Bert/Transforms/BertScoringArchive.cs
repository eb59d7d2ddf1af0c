using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using MLNet.Gelu.Persistence;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Writes a <see cref="BertScoringTransformer"/>'s model, vocabulary and options into a model zip (entries
/// <c>model.onnx</c>, <c>vocab.txt</c>, <c>scoring.json</c> under its manifest folder) and restores it. The log callback
/// and cancellation token are not saved.
/// </summary>
internal sealed class BertScoringArchive : ITransformerRestorer
{
    private const string ModelEntry = "model.onnx";
    private const string VocabularyEntry = "vocab.txt";
    private const string StateEntry = "scoring.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    internal static void Write(BertScoringTransformer transformer, ZipArchive archive, string folder)
    {
        var model = transformer.SourceModel;
        var options = transformer.Options;
        var state = new State
        {
            Output = transformer.OutputColumnName,
            Input = transformer.InputColumnName,
            ModelName = model.Name,
            Settings = model.Settings,
            Pooling = options.Pooling,
            Normalize = options.Normalize,
            MaxTokens = options.MaxTokens,
            LongText = options.LongText,
            ChunkOverlap = options.ChunkOverlap,
            TokenBudget = options.TokenBudget,
            MaxBatchSize = options.MaxBatchSize,
            WindowSize = options.WindowSize,
            ExecutionProvider = options.ExecutionProvider,
            DeviceId = options.DeviceId,
            ProviderOptions = new Dictionary<string, string>(options.ProviderOptions),
            FallbackToCpu = options.FallbackToCpu,
            IntraOpThreads = options.IntraOpThreads,
            InterOpThreads = options.InterOpThreads,
            GraphOptimizationLevel = options.GraphOptimizationLevel,
            SessionConfigEntries = new Dictionary<string, string>(options.SessionConfigEntries),
            Activation = options.Activation,
            SecondInput = options.SecondInputColumnName,
            TruncatedTokens = options.TruncatedTokensColumnName,
            TokenCount = options.TokenCountColumnName,
        };

        using (var stream = archive.CreateEntry(folder + ModelEntry, CompressionLevel.NoCompression).Open())
        {
            stream.Write(model.OnnxModel.Span);
        }

        using (var writer = new StreamWriter(archive.CreateEntry(folder + VocabularyEntry, CompressionLevel.Optimal).Open()))
        {
            writer.Write(model.Vocabulary.Text);
        }

        using (var stream = archive.CreateEntry(folder + StateEntry, CompressionLevel.Optimal).Open())
        {
            JsonSerializer.Serialize(stream, state, Json);
        }
    }

    public ITransformer Restore(ITransformer surrogate, ZipArchive archive, string folder, string source)
    {
        if (surrogate is not Microsoft.ML.Transforms.CustomMappingTransformer<BertSurrogate.SurrogateInput, BertSurrogate.SurrogateOutput>
            && surrogate.GetType().Name.StartsWith("CustomMappingTransformer", StringComparison.Ordinal) is false)
        {
            throw new InvalidDataException(
                $"The manifest of {source} records a BERT scoring transformer where the model holds {surrogate.GetType().Name}. The file was changed after saving.");
        }

        State state;
        try
        {
            using var stream = Open(archive, folder + StateEntry, source);
            state = JsonSerializer.Deserialize<State>(stream, Json) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The entry '{folder}{StateEntry}' of {source} is not valid BERT scoring state: {e.Message}", e);
        }

        BertModel model;
        using (var onnx = Open(archive, folder + ModelEntry, source))
        using (var vocabulary = Open(archive, folder + VocabularyEntry, source))
        {
            model = BertModel.FromStreams(onnx, vocabulary, state.Settings, state.ModelName);
        }

        var options = new BertScoringOptions
        {
            Model = model,
            Pooling = state.Pooling,
            Normalize = state.Normalize,
            MaxTokens = state.MaxTokens,
            LongText = state.LongText,
            ChunkOverlap = state.ChunkOverlap,
            TokenBudget = state.TokenBudget,
            MaxBatchSize = state.MaxBatchSize,
            WindowSize = state.WindowSize,
            ExecutionProvider = state.ExecutionProvider,
            DeviceId = state.DeviceId,
            ProviderOptions = state.ProviderOptions,
            FallbackToCpu = state.FallbackToCpu,
            IntraOpThreads = state.IntraOpThreads,
            InterOpThreads = state.InterOpThreads,
            GraphOptimizationLevel = state.GraphOptimizationLevel,
            SessionConfigEntries = state.SessionConfigEntries,
            Activation = state.Activation,
            SecondInputColumnName = state.SecondInput,
            TruncatedTokensColumnName = state.TruncatedTokens,
            TokenCountColumnName = state.TokenCount,
        };
        options.Validate();
        return new BertScoringTransformer(state.Output, state.Input, options);
    }

    private static Stream Open(ZipArchive archive, string name, string source) =>
        (archive.GetEntry(name) ?? throw new InvalidDataException($"{source} lacks the entry '{name}' its manifest promises; the file was changed after saving.")).Open();

    /// <summary>What <c>scoring.json</c> holds.</summary>
    internal sealed class State
    {
        public string Output { get; set; } = string.Empty;

        public string Input { get; set; } = string.Empty;

        public string ModelName { get; set; } = string.Empty;

        public BertModelSettings Settings { get; set; } = new();

        public BertPooling? Pooling { get; set; }

        public bool? Normalize { get; set; }

        public int? MaxTokens { get; set; }

        public BertLongTextMode LongText { get; set; }

        public int ChunkOverlap { get; set; }

        public int TokenBudget { get; set; }

        public int MaxBatchSize { get; set; }

        public int WindowSize { get; set; }

        public BertExecutionProvider ExecutionProvider { get; set; }

        public int DeviceId { get; set; }

        public Dictionary<string, string> ProviderOptions { get; set; } = [];

        public bool FallbackToCpu { get; set; }

        public int IntraOpThreads { get; set; }

        public int InterOpThreads { get; set; }

        public GraphOptimizationLevel GraphOptimizationLevel { get; set; }

        public Dictionary<string, string> SessionConfigEntries { get; set; } = [];

        public Activation? Activation { get; set; }

        public string? SecondInput { get; set; }

        public string? TruncatedTokens { get; set; }

        public string? TokenCount { get; set; }
    }
}

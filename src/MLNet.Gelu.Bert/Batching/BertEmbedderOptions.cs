using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace MLNet.Gelu.Bert;

/// <summary>
/// How a BERT model is scored: overrides of the model's settings, long texts, batching, where the model runs, and an
/// optional activation rewrite. <see cref="BertEmbedder"/> takes these; <see cref="BertScoringOptions"/> (the
/// <c>ScoreBert</c> transform) adds the model and its columns. Every property has a documented default:
/// <c>new BertEmbedderOptions()</c> embeds with the model's own settings on the CPU.
/// </summary>
public record BertEmbedderOptions
{
    /// <summary>Overrides the model's pooling (<see cref="BertModelSettings.Pooling"/>); <see langword="null"/> (default) keeps it.</summary>
    public BertPooling? Pooling { get; init; }

    /// <summary>Overrides whether embeddings are L2-normalized (<see cref="BertModelSettings.Normalize"/>); <see langword="null"/> keeps the model's.</summary>
    public bool? Normalize { get; init; }

    /// <summary>Overrides the most tokens per model input (<see cref="BertModelSettings.MaxTokens"/>, 2 to 8192); <see langword="null"/> keeps the model's.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>
    /// What happens to texts longer than the token limit: <see cref="BertLongTextMode.Truncate"/> (default; the dropped
    /// count is reported per text: <see cref="BertScoringOptions.TruncatedTokensColumnName"/>, or the embedder's
    /// <c>droppedTokens</c>) or <see cref="BertLongTextMode.Chunk"/> (overlapping
    /// windows whose embeddings are averaged; not for sentence pairs).
    /// </summary>
    public BertLongTextMode LongText { get; init; } = BertLongTextMode.Truncate;

    /// <summary>With <see cref="BertLongTextMode.Chunk"/>: word pieces consecutive windows share. Default 32.</summary>
    public int ChunkOverlap { get; init; } = 32;

    /// <summary>
    /// The most tokens one model run may hold, padding included (rows are length-sorted first). Default 1024, which suits
    /// CPUs (larger batches spill the caches; docs/benchmarks.md has the measurements); raise it for GPUs.
    /// </summary>
    public int TokenBudget { get; init; } = 1024;

    /// <summary>The most rows in one model run. Default 256.</summary>
    public int MaxBatchSize { get; init; } = 256;

    /// <summary>Where the model runs; default <see cref="BertExecutionProvider.Cpu"/>.</summary>
    public BertExecutionProvider ExecutionProvider { get; init; } = BertExecutionProvider.Cpu;

    /// <summary>The device ordinal for GPU providers. Default 0.</summary>
    public int DeviceId { get; init; }

    /// <summary>Provider options passed to ONNX Runtime by their native names (for example <c>gpu_mem_limit</c>). Default none.</summary>
    public IReadOnlyDictionary<string, string> ProviderOptions { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Run on the CPU when the provider is missing from the app's ONNX Runtime native library, or its shared library (or
    /// one it needs, such as CUDA's) cannot be loaded, instead of failing when the session is created (at <c>Fit</c>, or in
    /// the embedder's constructor; default <see langword="false"/>); the switch is logged as a warning through <see cref="Logger"/> (the <c>ScoreBert</c> transform without a logger
    /// writes it to <c>MLContext.Log</c>). A
    /// provider that is there but fails (an option ONNX Runtime rejects, no device, out of memory) throws
    /// <see cref="ExecutionProviderFailedException"/> whatever this says, so that a configuration error never runs
    /// silently on the CPU.
    /// </summary>
    public bool FallbackToCpu { get; init; }

    /// <summary>
    /// Where notable events are logged: a fallback to the CPU (event <c>ExecutionProviderFallback</c>, warning) and, for a
    /// <see cref="BertEmbeddingGenerator"/>, rejected and failed requests. Default <see langword="null"/>: silent, except
    /// that the <c>ScoreBert</c> transform then reports to <c>MLContext.Log</c>. Never saved with a model; like every
    /// reference-typed option it takes part in the record's equality by reference.
    /// </summary>
    public ILogger? Logger { get; init; }

    /// <summary>Threads one model run may use; 0 (default) lets ONNX Runtime choose (one per core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Threads for independent graph branches; 0 (default) lets ONNX Runtime choose.</summary>
    public int InterOpThreads { get; init; }

    /// <summary>ONNX Runtime graph optimizations; default <see cref="GraphOptimizationLevel.ORT_ENABLE_ALL"/>.</summary>
    public GraphOptimizationLevel GraphOptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>ONNX Runtime session configuration entries (for example <c>session.intra_op.allow_spinning</c> = <c>0</c>). Default none.</summary>
    public IReadOnlyDictionary<string, string> SessionConfigEntries { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Replaces every GELU of the model graph with this activation (see <see cref="Graphs.ActivationGraphRewriter"/>)
    /// before the session is created; <see langword="null"/> (default) runs the model as it is.
    /// </summary>
    public Activation? Activation { get; init; }

    /// <summary>
    /// The arithmetic the model runs in: <see cref="BertPrecision.Float32"/> (default) or <see cref="BertPrecision.Int8"/>, which
    /// quantizes the graph (after any <see cref="Activation"/> rewrite) before the session is created.
    /// </summary>
    public BertPrecision Precision { get; init; }

    internal BertSessionOptions SessionOptions() => new()
    {
        ExecutionProvider = ExecutionProvider,
        DeviceId = DeviceId,
        ProviderOptions = ProviderOptions,
        FallbackToCpu = FallbackToCpu,
        Logger = Logger,
        IntraOpThreads = IntraOpThreads,
        InterOpThreads = InterOpThreads,
        GraphOptimizationLevel = GraphOptimizationLevel,
        ConfigEntries = SessionConfigEntries,
    };

    /// <summary>How the batcher cuts runs: the token budget, the row limit, and the cheapest cuts for a run's fixed cost.</summary>
    internal BertBatchingOptions BatchingOptions() =>
        new() { TokenBudget = TokenBudget, MaxBatchSize = MaxBatchSize, RunCostTokens = BertBatchingOptions.DefaultRunCostTokens };

    internal BertTokenizerOptions TokenizerOptions() => new() { LongText = LongText, ChunkOverlap = ChunkOverlap };

    /// <summary>The model's settings with this object's overrides applied.</summary>
    internal BertModelSettings EffectiveSettings(BertModel model) => model.Settings with
    {
        Pooling = Pooling ?? model.Settings.Pooling,
        Normalize = Normalize ?? model.Settings.Normalize,
        MaxTokens = MaxTokens ?? model.Settings.MaxTokens,
    };

    /// <summary>Checks every value that does not need the model; throws naming the property.</summary>
    internal virtual void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(TokenBudget, 1, nameof(TokenBudget));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchSize, 1, nameof(MaxBatchSize));
        if (Activation is { } activation && !Enum.IsDefined(activation))
        {
            throw new ArgumentOutOfRangeException(nameof(Activation), activation,
                $"Unknown activation; use one of {string.Join(", ", Enum.GetNames<Activation>())}, or null to keep the model's.");
        }

        if (!Enum.IsDefined(Precision))
        {
            throw new ArgumentOutOfRangeException(nameof(Precision), Precision, $"Unknown precision; use one of {string.Join(", ", Enum.GetNames<BertPrecision>())}.");
        }

        if (!Enum.IsDefined(GraphOptimizationLevel))
        {
            throw new ArgumentOutOfRangeException(nameof(GraphOptimizationLevel), GraphOptimizationLevel,
                $"Unknown graph optimization level; use one of {string.Join(", ", Enum.GetNames<GraphOptimizationLevel>())}.");
        }

        // Named as the user set them (the session's options call the entries ConfigEntries).
        ArgumentNullException.ThrowIfNull(ProviderOptions, nameof(ProviderOptions));
        ArgumentNullException.ThrowIfNull(SessionConfigEntries, nameof(SessionConfigEntries));
        SessionOptions().Validate();
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace MLNet.Gelu.Bert;

/// <summary>How the ONNX Runtime session that scores a BERT model is set up.</summary>
internal sealed record BertSessionOptions
{
    /// <summary>Threads one batch may use (ONNX Runtime intra-op threads); 0 (default) lets ONNX Runtime choose (one per core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Threads for independent graph branches (inter-op); 0 (default) lets ONNX Runtime choose.</summary>
    public int InterOpThreads { get; init; }

    /// <summary>Graph optimizations; default <see cref="GraphOptimizationLevel.ORT_ENABLE_ALL"/>.</summary>
    public GraphOptimizationLevel GraphOptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>Where the model runs; default <see cref="BertExecutionProvider.Cpu"/>.</summary>
    public BertExecutionProvider ExecutionProvider { get; init; } = BertExecutionProvider.Cpu;

    /// <summary>The device ordinal for GPU providers (default 0).</summary>
    public int DeviceId { get; init; }

    /// <summary>
    /// Provider options passed through to ONNX Runtime by their native names (for example <c>gpu_mem_limit</c> for CUDA,
    /// <c>device_type</c> for OpenVINO). <c>device_id</c> is set from <see cref="DeviceId"/> unless given here.
    /// </summary>
    public IReadOnlyDictionary<string, string> ProviderOptions { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// When the provider is missing from the ONNX Runtime native library, or its shared library cannot be loaded, run on
    /// the CPU instead of throwing (default <see langword="false"/>). The switch is logged through <see cref="Logger"/>. A
    /// provider that is there and fails (a rejected option, no device, out of memory) throws whatever this says.
    /// </summary>
    public bool FallbackToCpu { get; init; }

    /// <summary>Where a fallback to the CPU is logged; <see langword="null"/> to stay silent.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>
    /// ONNX Runtime session configuration entries (for example <c>session.intra_op.allow_spinning</c> = <c>0</c> when several
    /// sessions share the cores).
    /// </summary>
    public IReadOnlyDictionary<string, string> ConfigEntries { get; init; } = new Dictionary<string, string>();

    /// <summary>The type named by the <see cref="ObjectDisposedException"/> a run after disposal throws (the public type that owns the session).</summary>
    public string Owner { get; init; } = nameof(BertSession);

    /// <summary>Test seam: the providers the native library lists; <see langword="null"/> (always outside tests) asks ONNX Runtime.</summary>
    internal Func<IReadOnlyList<string>>? AvailableProviders { get; init; }

    /// <summary>Test seam: appends the provider in place of <see cref="ExecutionProviders.Append"/>; <see langword="null"/> (always outside tests) for the real one.</summary>
    internal Action<SessionOptions, BertExecutionProvider, IReadOnlyDictionary<string, string>>? AppendProvider { get; init; }

    internal void Validate()
    {
        if (!Enum.IsDefined(ExecutionProvider))
        {
            throw new ArgumentOutOfRangeException(nameof(ExecutionProvider), ExecutionProvider,
                $"Unknown execution provider; use one of {string.Join(", ", Enum.GetNames<BertExecutionProvider>())}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(IntraOpThreads);
        ArgumentOutOfRangeException.ThrowIfNegative(InterOpThreads);
        ArgumentOutOfRangeException.ThrowIfNegative(DeviceId);
        ArgumentNullException.ThrowIfNull(ProviderOptions);
        ArgumentNullException.ThrowIfNull(ConfigEntries);
        if (ConfigEntries.ContainsKey(ExternalDataFiles.FolderConfigKey))
        {
            throw new ArgumentException(
                $"SessionConfigEntries may not set '{ExternalDataFiles.FolderConfigKey}': external data is read only from the model's own folder " +
                "(BertModel.FromFiles), which the library passes to ONNX Runtime itself.", nameof(ConfigEntries));
        }
    }
}

using Microsoft.ML.OnnxRuntime;

namespace MLNet.Gelu.Bert;

/// <summary>
/// The requested execution provider is missing from the ONNX Runtime native library the app carries, or its shared
/// library (or one it needs, such as the CUDA libraries) cannot be loaded. The message names the package that brings it
/// and the providers that are available. This is the only failure <c>FallbackToCpu</c> turns into a run on the CPU; a
/// provider that is there and fails throws <see cref="ExecutionProviderFailedException"/> instead.
/// </summary>
public sealed class ExecutionProviderUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="provider">The provider that was asked for.</param>
    /// <param name="inner">The ONNX Runtime error, or <see langword="null"/> when the native library does not list the provider at all.</param>
    public ExecutionProviderUnavailableException(BertExecutionProvider provider, Exception? inner)
        : base(Describe(provider, inner), inner)
    {
        Provider = provider;
        AvailableProviders = Available();
    }

    /// <summary>The provider that was asked for.</summary>
    public BertExecutionProvider Provider { get; }

    /// <summary>What <c>OrtEnv.Instance().GetAvailableProviders()</c> reports in this process.</summary>
    public IReadOnlyList<string> AvailableProviders { get; }

    private const string GpuPackages =
        "Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0 (Linux) or Microsoft.ML.OnnxRuntime.Gpu 1.31.0 (Windows/Linux) instead of Microsoft.ML.OnnxRuntime";

    /// <summary>The NuGet package (and native prerequisites) an app needs for a provider.</summary>
    /// <param name="provider">The provider.</param>
    public static string RequiredPackage(BertExecutionProvider provider) => provider switch
    {
        BertExecutionProvider.Cpu => "Microsoft.ML.OnnxRuntime",
        BertExecutionProvider.Cuda => GpuPackages + ", with the CUDA 13 runtime, cuBLAS 13 and cuDNN 9 on the library path",
        BertExecutionProvider.TensorRT => GpuPackages + ", with CUDA 13, cuDNN 9 and TensorRT on the library path",
        BertExecutionProvider.DirectML => "Microsoft.ML.OnnxRuntime.DirectML instead of Microsoft.ML.OnnxRuntime (Windows only)",
        BertExecutionProvider.OpenVino => "Intel.ML.OnnxRuntime.OpenVino instead of Microsoft.ML.OnnxRuntime",
        BertExecutionProvider.CoreML => "Microsoft.ML.OnnxRuntime running on macOS or iOS (CoreML ships only in the Apple builds)",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown execution provider."),
    };

    /// <summary>Why the provider is missing: ONNX Runtime's error, or that the native library does not list it.</summary>
    internal static string Reason(BertExecutionProvider provider, Exception? inner) => inner is null
        ? $"this ONNX Runtime native library was built without it: it lists {string.Join(", ", Available())}, not {ExecutionProviders.NativeName(provider)}"
        : $"{inner.GetType().Name}: {inner.Message.Trim()}";

    private static string Describe(BertExecutionProvider provider, Exception? inner) =>
        $"The {provider} execution provider is not available in this process ({Reason(provider, inner)}). " +
        $"An app that wants {provider} references {RequiredPackage(provider)}. " +
        $"Available here: {string.Join(", ", Available())}. " +
        "Set FallbackToCpu (BertEmbedderOptions or BertScoringOptions) to run on the CPU instead.";

    private static string[] Available()
    {
        try
        {
            return OrtEnv.Instance().GetAvailableProviders();
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            return [];
        }
    }
}

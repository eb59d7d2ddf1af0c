namespace MLNet.Gelu.Bert;

/// <summary>
/// The ONNX Runtime native library is not in the app. This library references only the managed ONNX Runtime API
/// (<c>Microsoft.ML.OnnxRuntime.Managed</c>), so that an app chooses the native runtime: <c>Microsoft.ML.OnnxRuntime</c>
/// for the CPU, or <c>Microsoft.ML.OnnxRuntime.Gpu.Linux</c> 1.31.0 for CUDA on Linux (never both).
/// </summary>
public sealed class OnnxRuntimeNotFoundException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="inner">The error the ONNX Runtime managed API raised when it could not load its native library.</param>
    public OnnxRuntimeNotFoundException(Exception inner)
        : base(BuildMessage(inner), inner)
    {
    }

    /// <summary>The message: what is missing, which package to add for the CPU or for CUDA, and the original error.</summary>
    /// <param name="inner">The error the ONNX Runtime managed API raised.</param>
    internal static string BuildMessage(Exception inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        var root = inner;
        while (root is TypeInitializationException { InnerException: { } next })
        {
            root = next;
        }

        return "The ONNX Runtime native library (onnxruntime) could not be loaded: this app references MLNet.Gelu.Bert, which brings only the " +
            "managed ONNX Runtime API (Microsoft.ML.OnnxRuntime.Managed). Add exactly one native runtime package to the app: " +
            "'dotnet add package Microsoft.ML.OnnxRuntime' for the CPU, or " +
            "'dotnet add package Microsoft.ML.OnnxRuntime.Gpu.Linux --version 1.31.0' for CUDA on Linux (it needs the CUDA 13 runtime, cuBLAS 13 and cuDNN 9) — never both. " +
            $"Original error: {root.GetType().Name}: {root.Message.Trim()}";
    }

    /// <summary>
    /// True when <paramref name="e"/> says the native library itself is missing (not a provider): the managed API's
    /// static initialization failed, or the library <c>onnxruntime</c> was not found.
    /// </summary>
    internal static bool IsNativeLibraryMissing(Exception e) => e switch
    {
        TypeInitializationException { InnerException: { } inner } => inner is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException || IsNativeLibraryMissing(inner),
        DllNotFoundException dll => dll.Message.Contains("onnxruntime", StringComparison.OrdinalIgnoreCase)
            && !dll.Message.Contains("providers", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };
}

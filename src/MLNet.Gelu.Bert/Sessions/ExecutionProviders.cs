using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Adds the requested execution provider to ONNX Runtime session options, and tells a provider that is missing from
/// the native library apart from one that is there and failed.
/// </summary>
/// <remarks>
/// What ONNX Runtime 1.31 reports, checked with the CPU build (<c>Microsoft.ML.OnnxRuntime</c>) and with the CUDA build
/// (<c>Microsoft.ML.OnnxRuntime.Gpu.Linux</c>) on a machine without the CUDA libraries:
/// <list type="bullet">
/// <item>A provider compiled out of the build is absent from <c>OrtEnv.GetAvailableProviders()</c>; appending it fails
/// with "… execution provider is not enabled in this build" (CUDA, TensorRT) or "… is not supported in this build"
/// (DML, OpenVINO, CoreML), and the legacy entry points throw <see cref="EntryPointNotFoundException"/>.</item>
/// <item>A provider compiled in whose shared library (or a library it needs, such as cuBLAS) cannot be loaded is
/// <em>listed</em> as available; appending it fails with "Failed to load library …" or "… Failed to load shared library".</item>
/// <item>Everything else (an option ONNX Runtime rejects, a device that is absent or out of memory, a model the provider
/// cannot place) is not "missing": <see cref="BertSessionOptions.FallbackToCpu"/> never hides it.</item>
/// </list>
/// </remarks>
internal static class ExecutionProviders
{
    /// <summary>ONNX Runtime's phrases for a provider compiled out of the build or whose shared library cannot be loaded.</summary>
    private static readonly string[] MissingPhrases =
    [
        "not enabled in this build",
        "not supported in this build",
        "Failed to load library",
        "Failed to load shared library",
    ];

    /// <summary>The name <c>OrtEnv.GetAvailableProviders()</c> lists the provider under.</summary>
    /// <param name="provider">The provider.</param>
    public static string NativeName(BertExecutionProvider provider) => provider switch
    {
        BertExecutionProvider.Cpu => "CPUExecutionProvider",
        BertExecutionProvider.Cuda => "CUDAExecutionProvider",
        BertExecutionProvider.TensorRT => "TensorrtExecutionProvider",
        BertExecutionProvider.DirectML => "DmlExecutionProvider",
        BertExecutionProvider.OpenVino => "OpenVINOExecutionProvider",
        BertExecutionProvider.CoreML => "CoreMLExecutionProvider",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown execution provider."),
    };

    /// <summary>The providers the ONNX Runtime native library in this process was built with.</summary>
    public static IReadOnlyList<string> Available() => OrtEnv.Instance().GetAvailableProviders();

    /// <summary>
    /// True when <paramref name="e"/>, raised while a provider was appended, says the provider is missing from the native
    /// library or its shared library could not be loaded; false for every other error (bad option, device, memory).
    /// </summary>
    /// <param name="e">The error.</param>
    public static bool IsMissing(Exception e) =>
        e is EntryPointNotFoundException or DllNotFoundException
        || (e is OnnxRuntimeException && MissingPhrases.Any(p => e.Message.Contains(p, StringComparison.OrdinalIgnoreCase)));

    /// <summary>The options passed to ONNX Runtime for the provider: <see cref="BertSessionOptions.ProviderOptions"/>, with <c>device_id</c> added for GPU providers.</summary>
    /// <param name="options">The session options.</param>
    public static IReadOnlyDictionary<string, string> NativeOptions(BertSessionOptions options)
    {
        var values = new Dictionary<string, string>(options.ProviderOptions);
        if (options.ExecutionProvider is BertExecutionProvider.Cuda or BertExecutionProvider.TensorRT or BertExecutionProvider.DirectML)
        {
            values.TryAdd("device_id", options.DeviceId.ToString(CultureInfo.InvariantCulture));
        }

        return values;
    }

    /// <summary>Appends the provider with <paramref name="values"/> (from <see cref="NativeOptions"/>); nothing for the CPU.</summary>
    /// <param name="session">The session options to append to.</param>
    /// <param name="provider">The provider.</param>
    /// <param name="values">The provider options by their native names.</param>
    public static void Append(SessionOptions session, BertExecutionProvider provider, IReadOnlyDictionary<string, string> values)
    {
        var copy = new Dictionary<string, string>(values);
        switch (provider)
        {
            case BertExecutionProvider.Cpu:
                return;
            case BertExecutionProvider.Cuda:
            {
                using var cuda = new OrtCUDAProviderOptions();
                cuda.UpdateOptions(copy);
                session.AppendExecutionProvider_CUDA(cuda);
                return;
            }

            case BertExecutionProvider.TensorRT:
            {
                using var tensorRt = new OrtTensorRTProviderOptions();
                tensorRt.UpdateOptions(copy);
                session.AppendExecutionProvider_Tensorrt(tensorRt);
                return;
            }

            case BertExecutionProvider.DirectML:
                session.AppendExecutionProvider("DML", copy);
                return;
            case BertExecutionProvider.OpenVino:
                session.AppendExecutionProvider("OpenVINO", copy);
                return;
            case BertExecutionProvider.CoreML:
                session.AppendExecutionProvider("CoreML", copy);
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown execution provider.");
        }
    }
}

using Microsoft.ML.OnnxRuntime;

namespace MLNet.Gelu.Bert;

/// <summary>Adds the requested execution provider to ONNX Runtime session options.</summary>
internal static class ExecutionProviders
{
    /// <summary>True for the errors ONNX Runtime raises when a provider is missing from the native library or cannot start.</summary>
    public static bool IsUnavailable(Exception e) =>
        e is EntryPointNotFoundException or DllNotFoundException or OnnxRuntimeException or NotSupportedException;

    public static void Append(SessionOptions session, BertSessionOptions options)
    {
        var values = new Dictionary<string, string>(options.ProviderOptions);
        switch (options.ExecutionProvider)
        {
            case BertExecutionProvider.Cpu:
                return;
            case BertExecutionProvider.Cuda:
            {
                values.TryAdd("device_id", options.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture));
                using var cuda = new OrtCUDAProviderOptions();
                cuda.UpdateOptions(values);
                session.AppendExecutionProvider_CUDA(cuda);
                return;
            }

            case BertExecutionProvider.TensorRT:
            {
                values.TryAdd("device_id", options.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture));
                using var tensorRt = new OrtTensorRTProviderOptions();
                tensorRt.UpdateOptions(values);
                session.AppendExecutionProvider_Tensorrt(tensorRt);
                return;
            }

            case BertExecutionProvider.DirectML:
                values.TryAdd("device_id", options.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture));
                session.AppendExecutionProvider("DML", values);
                return;
            case BertExecutionProvider.OpenVino:
                session.AppendExecutionProvider("OpenVINO", values);
                return;
            case BertExecutionProvider.CoreML:
                session.AppendExecutionProvider("CoreML", values);
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.ExecutionProvider, "Unknown execution provider.");
        }
    }
}

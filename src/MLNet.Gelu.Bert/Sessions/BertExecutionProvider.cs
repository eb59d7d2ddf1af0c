namespace MLNet.Gelu.Bert;

/// <summary>
/// Where ONNX Runtime runs the model. Every provider but <see cref="Cpu"/> needs a different ONNX Runtime native package
/// in the app (see <see cref="ExecutionProviderUnavailableException"/> for which).
/// </summary>
public enum BertExecutionProvider
{
    /// <summary>The CPU (always available).</summary>
    Cpu,

    /// <summary>NVIDIA CUDA: <c>Microsoft.ML.OnnxRuntime.Gpu.Linux</c> or <c>Microsoft.ML.OnnxRuntime.Gpu</c> instead of <c>Microsoft.ML.OnnxRuntime</c>.</summary>
    Cuda,

    /// <summary>NVIDIA TensorRT: the GPU packages as for CUDA, plus TensorRT libraries.</summary>
    TensorRT,

    /// <summary>DirectML on Windows: <c>Microsoft.ML.OnnxRuntime.DirectML</c>.</summary>
    DirectML,

    /// <summary>Intel OpenVINO: <c>Intel.ML.OnnxRuntime.OpenVino</c>.</summary>
    OpenVino,

    /// <summary>Apple CoreML: the macOS/iOS builds of <c>Microsoft.ML.OnnxRuntime</c>.</summary>
    CoreML,
}


namespace MLNet.Gelu.Bert.Tests.Transforms;

public class OnnxRuntimeMessageTests
{
    [Fact]
    public void Missing_native_library_message_names_the_cpu_and_cuda_packages_and_the_cause()
    {
        var cause = new DllNotFoundException("Unable to load shared library 'onnxruntime' or one of its dependencies.");
        var wrapped = new TypeInitializationException("Microsoft.ML.OnnxRuntime.NativeMethods", cause);
        var message = OnnxRuntimeNotFoundException.BuildMessage(wrapped);
        Assert.Contains("Microsoft.ML.OnnxRuntime'", message, StringComparison.Ordinal);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu.Linux --version 1.31.0", message, StringComparison.Ordinal);
        Assert.Contains("never both", message, StringComparison.Ordinal);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Managed", message, StringComparison.Ordinal);
        Assert.Contains("DllNotFoundException: Unable to load shared library 'onnxruntime'", message, StringComparison.Ordinal);
        Assert.Same(wrapped, new OnnxRuntimeNotFoundException(wrapped).InnerException);
    }

    [Fact]
    public void Only_a_missing_runtime_counts_as_missing_not_a_missing_provider()
    {
        var dll = new DllNotFoundException("Unable to load shared library 'onnxruntime' or one of its dependencies.");
        Assert.True(OnnxRuntimeNotFoundException.IsNativeLibraryMissing(dll));
        Assert.True(OnnxRuntimeNotFoundException.IsNativeLibraryMissing(new TypeInitializationException("Microsoft.ML.OnnxRuntime.NativeMethods", dll)));
        Assert.False(OnnxRuntimeNotFoundException.IsNativeLibraryMissing(new EntryPointNotFoundException("OrtSessionOptionsAppendExecutionProvider_CUDA")));
        Assert.False(OnnxRuntimeNotFoundException.IsNativeLibraryMissing(new DllNotFoundException("libonnxruntime_providers_cuda.so: cannot open shared object file")));
        Assert.False(OnnxRuntimeNotFoundException.IsNativeLibraryMissing(new InvalidOperationException("onnxruntime")));
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using System.Reflection;
using Microsoft.ML.OnnxRuntime;
using MLNet.Gelu.Bert.Tests.Support;

namespace MLNet.Gelu.Bert.Tests.Sessions;

/// <summary>
/// The test process carries the CPU-only ONNX Runtime package, so every other provider is missing here: that path runs
/// for real. A provider that is compiled in but fails is reached through the session options' test seams (the providers
/// ONNX Runtime lists, and the call that appends the provider), with ONNX Runtime's own errors wherever the CPU build
/// can raise them.
/// </summary>
public class ExecutionProviderTests
{
    private static readonly Lazy<BertModel> Toy = new(() =>
        BertModel.FromStreams(new MemoryStream(TinyOnnx.ToyEncoder()), new MemoryStream(System.Text.Encoding.UTF8.GetBytes(TinyOnnx.ToyVocabulary)), name: "toy"));

    public static TheoryData<BertExecutionProvider> NonCpu => [.. Enum.GetValues<BertExecutionProvider>().Where(p => p != BertExecutionProvider.Cpu)];

    [Theory]
    [InlineData(BertExecutionProvider.Cuda, "Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0")]
    [InlineData(BertExecutionProvider.TensorRT, "Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0")]
    [InlineData(BertExecutionProvider.DirectML, "Microsoft.ML.OnnxRuntime.DirectML")]
    [InlineData(BertExecutionProvider.OpenVino, "Intel.ML.OnnxRuntime.OpenVino")]
    [InlineData(BertExecutionProvider.CoreML, "macOS")]
    public void Missing_provider_throws_naming_provider_package_and_what_is_available(BertExecutionProvider provider, string package)
    {
        Assert.DoesNotContain(ExecutionProviders.NativeName(provider), OrtEnv.Instance().GetAvailableProviders());
        var e = Assert.Throws<ExecutionProviderUnavailableException>(() => new BertSession(Toy.Value, new BertSessionOptions { ExecutionProvider = provider }));
        Assert.Equal(provider, e.Provider);
        Assert.Contains($"The {provider} execution provider is not available", e.Message);
        Assert.Contains($"built without it: it lists CPUExecutionProvider, not {ExecutionProviders.NativeName(provider)}", e.Message);
        Assert.Contains(package, e.Message);
        Assert.Contains("FallbackToCpu", e.Message);
        Assert.Contains("CPUExecutionProvider", e.AvailableProviders);

        // Found missing from ONNX Runtime's list before anything was appended: there is no ONNX Runtime error to wrap.
        Assert.Null(e.InnerException);
    }

    [Theory]
    [InlineData(BertExecutionProvider.Cuda)]
    [InlineData(BertExecutionProvider.DirectML)]
    [InlineData(BertExecutionProvider.CoreML)]
    public void Fallback_to_cpu_logs_a_warning_and_runs(BertExecutionProvider provider)
    {
        var log = new FakeLogger();
        using var session = new BertSession(Toy.Value, new BertSessionOptions
        {
            ExecutionProvider = provider,
            DeviceId = 1,
            ProviderOptions = new Dictionary<string, string> { ["arena_extend_strategy"] = "kSameAsRequested" },
            FallbackToCpu = true,
            Logger = log,
        });
        Assert.Equal(BertExecutionProvider.Cpu, session.ExecutionProvider);
        var record = Assert.Single(log.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Equal(new EventId(1, "ExecutionProviderFallback"), record.Id);
        Assert.Contains("falling back to the CPU", record.Message);
        Assert.Contains(provider.ToString(), record.Message);
        Assert.Contains(ExecutionProviderUnavailableException.RequiredPackage(provider), record.Message);
        Assert.Equal(session.Model.Name, record.GetStructuredStateValue("ModelName"));
        Assert.Equal(provider.ToString(), record.GetStructuredStateValue("Provider"));
        Assert.Contains("built without it", record.Message);
        Assert.Contains("toy", record.Message);
        AssertScoresOnTheCpu(session);
    }

    /// <summary>
    /// When ONNX Runtime lists the provider, the real append runs: the CPU build then answers with its own error ("… is not
    /// enabled in this build" for CUDA and TensorRT, "… is not supported in this build" for the others), which is "missing".
    /// </summary>
    [Theory]
    [MemberData(nameof(NonCpu))]
    public void A_listed_provider_that_the_build_lacks_is_missing_with_onnx_runtimes_error_inside(BertExecutionProvider provider)
    {
        var listed = new BertSessionOptions { ExecutionProvider = provider, AvailableProviders = () => ["CPUExecutionProvider", ExecutionProviders.NativeName(provider)] };
        var e = Assert.Throws<ExecutionProviderUnavailableException>(() => new BertSession(Toy.Value, listed));
        var inner = Assert.IsType<OnnxRuntimeException>(e.InnerException);
        Assert.Matches("not (enabled|supported) in this build", inner.Message);
        Assert.Contains(inner.Message.Trim(), e.Message);

        var log = new FakeLogger();
        using var session = new BertSession(Toy.Value, listed with { FallbackToCpu = true, Logger = log });
        Assert.Equal(BertExecutionProvider.Cpu, session.ExecutionProvider);
        Assert.Contains(inner.Message.Trim(), Assert.Single(log.Collector.GetSnapshot()).Message);
        AssertScoresOnTheCpu(session);
    }

    /// <summary>
    /// A provider compiled in whose shared library (or a library it needs) cannot be loaded is missing too. The errors are
    /// the ones the CUDA build of ONNX Runtime 1.31 raises on a machine without the CUDA libraries (the library path shortened),
    /// and the managed API's own for a missing legacy entry point.
    /// </summary>
    [Theory]
    [InlineData("provider_bridge_ort.cc:2043 onnxruntime::ProviderLibrary::Get() [ONNXRuntimeError] : 1 : FAIL : " +
        "Failed to load library libonnxruntime_providers_cuda.so with error: libcublasLt.so.13: cannot open shared object file: No such file or directory")]
    [InlineData("OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library")]
    [InlineData(null)]
    public void A_provider_whose_libraries_cannot_be_loaded_is_missing(string? onnxRuntimeMessage)
    {
        Exception error = onnxRuntimeMessage is null
            ? new EntryPointNotFoundException("Unable to find an entry point named 'OrtSessionOptionsAppendExecutionProvider_CUDA' in shared library 'onnxruntime'.")
            : OnnxRuntimeError(onnxRuntimeMessage);
        var options = Listed(BertExecutionProvider.Cuda, (_, _, _) => throw error);
        var e = Assert.Throws<ExecutionProviderUnavailableException>(() => new BertSession(Toy.Value, options));
        Assert.Same(error, e.InnerException);

        var log = new FakeLogger();
        using var session = new BertSession(Toy.Value, options with { FallbackToCpu = true, Logger = log });
        Assert.Equal(BertExecutionProvider.Cpu, session.ExecutionProvider);
        Assert.Contains("falling back to the CPU", Assert.Single(log.Collector.GetSnapshot()).Message);
    }

    /// <summary>
    /// An error that does not say "missing" while the provider is added (here a real ONNX Runtime InvalidArgument error: the
    /// CPU build cannot load CUDA to reject a real CUDA option) throws with FallbackToCpu on, and nothing is logged.
    /// </summary>
    [Fact]
    public void A_real_onnx_runtime_error_while_adding_the_provider_is_not_hidden_by_fallback()
    {
        var log = new FakeLogger();
        var options = Listed(BertExecutionProvider.Cuda, (session, _, values) => session.AppendExecutionProvider("CUDA-typo", new Dictionary<string, string>(values))) with
        {
            ProviderOptions = new Dictionary<string, string> { ["gpu_mem_limit"] = "2147483648" },
            FallbackToCpu = true,
            Logger = log,
        };
        var e = Assert.Throws<ExecutionProviderFailedException>(() => new BertSession(Toy.Value, options));
        var inner = Assert.IsType<OnnxRuntimeException>(e.InnerException);
        Assert.Contains("CUDA-typo", inner.Message);
        Assert.Equal(BertExecutionProvider.Cuda, e.Provider);
        Assert.Equal("2147483648", e.ProviderOptions["gpu_mem_limit"]);
        Assert.Equal("0", e.ProviderOptions["device_id"]);
        Assert.Contains("The Cuda execution provider is in this ONNX Runtime but failed while it was added to the session options", e.Message);
        Assert.Contains("provider options device_id=0, gpu_mem_limit=2147483648", e.Message);
        Assert.Contains("FallbackToCpu does not apply", e.Message);
        Assert.Empty(log.Collector.GetSnapshot());
    }

    /// <summary>A misspelt option, as CUDA's option parser reports it: the message names the option that ONNX Runtime named.</summary>
    [Fact]
    public void A_rejected_option_is_named()
    {
        var error = OnnxRuntimeError("Unknown provider option: gpu_mem_limt");
        var options = Listed(BertExecutionProvider.Cuda, (_, _, _) => throw error) with
        {
            ProviderOptions = new Dictionary<string, string> { ["gpu_mem_limt"] = "1024" },
            FallbackToCpu = true,
        };
        var e = Assert.Throws<ExecutionProviderFailedException>(() => new BertSession(Toy.Value, options));
        Assert.Same(error, e.InnerException);
        Assert.Contains("ONNX Runtime's message names the option 'gpu_mem_limt'", e.Message);
    }

    /// <summary>
    /// The provider was added, then ONNX Runtime fails to create the session (out of device memory, a graph it cannot
    /// place; here a real ONNX Runtime error over a graph with an unknown operator): thrown with the model named, no fallback.
    /// </summary>
    [Fact]
    public void A_session_that_fails_on_the_provider_is_not_retried_on_the_cpu()
    {
        var bytes = TinyOnnx.Build(
            [TinyOnnx.Tensor("input_ids", TinyOnnx.Int64, -1, -1)],
            [TinyOnnx.Tensor("last_hidden_state", TinyOnnx.Float, -1, -1, 4)],
            [TinyOnnx.Node("NoSuchOperator", ["input_ids"], ["last_hidden_state"])]);
        var model = BertModel.FromStreams(new MemoryStream(bytes), new MemoryStream(System.Text.Encoding.UTF8.GetBytes(TinyOnnx.ToyVocabulary)), name: "odd");
        var log = new FakeLogger();
        var options = Listed(BertExecutionProvider.Cuda, (_, _, _) => { }) with { FallbackToCpu = true, Logger = log };
        var e = Assert.Throws<ExecutionProviderFailedException>(() => new BertSession(model, options));
        Assert.Contains("NoSuchOperator", Assert.IsType<OnnxRuntimeException>(e.InnerException).Message);
        Assert.Contains("while the session for the model odd (ONNX) was created", e.Message);
        Assert.Empty(log.Collector.GetSnapshot());
    }

    [Fact]
    public void Cpu_never_logs()
    {
        var log = new FakeLogger();
        using var session = new BertSession(Toy.Value, new BertSessionOptions { FallbackToCpu = true, Logger = log });
        Assert.Equal(BertExecutionProvider.Cpu, session.ExecutionProvider);
        Assert.Empty(log.Collector.GetSnapshot());
    }

    [Fact]
    public void Unknown_provider_value_is_rejected_listing_the_known_ones()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new BertSession(Toy.Value, new BertSessionOptions { ExecutionProvider = (BertExecutionProvider)42, FallbackToCpu = true }));
        Assert.Contains("Cpu, Cuda, TensorRT, DirectML, OpenVino, CoreML", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ExecutionProviderUnavailableException.RequiredPackage((BertExecutionProvider)42));
    }

    /// <summary>Options for <paramref name="provider"/> as if ONNX Runtime listed it, appended by <paramref name="append"/>.</summary>
    private static BertSessionOptions Listed(BertExecutionProvider provider, Action<SessionOptions, BertExecutionProvider, IReadOnlyDictionary<string, string>> append) => new()
    {
        ExecutionProvider = provider,
        AvailableProviders = () => ["CPUExecutionProvider", ExecutionProviders.NativeName(provider)],
        AppendProvider = append,
    };

    /// <summary>An <see cref="OnnxRuntimeException"/> with ONNX Runtime's message (its constructor, which adds the <c>[ErrorCode:…]</c> prefix, is internal).</summary>
    private static OnnxRuntimeException OnnxRuntimeError(string message)
    {
        var constructor = typeof(OnnxRuntimeException).GetConstructors(BindingFlags.Instance | BindingFlags.NonPublic).Single(c => c.GetParameters().Length == 2);
        var code = Enum.ToObject(constructor.GetParameters()[0].ParameterType, 1);
        return (OnnxRuntimeException)constructor.Invoke([code, message]);
    }

    private static void AssertScoresOnTheCpu(BertSession session)
    {
        var output = new float[session.OutputLength(1, 3)];
        session.Run(new long[] { 2, 4, 3 }, new long[] { 1, 1, 1 }, new long[3], 1, 3, output);
        Assert.Equal(new[] { 4f, 8f, 12f, 116f }, output[4..8]); // token "a" (id 4)
    }
}

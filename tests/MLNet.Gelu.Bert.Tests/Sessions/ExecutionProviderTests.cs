using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.ML.OnnxRuntime;
using MLNet.Gelu.Bert.Tests.Support;

namespace MLNet.Gelu.Bert.Tests.Sessions;

/// <summary>The test process carries the CPU-only ONNX Runtime package, so every other provider is missing here.</summary>
public class ExecutionProviderTests
{
    private static readonly Lazy<BertModel> Toy = new(() =>
        BertModel.FromStreams(new MemoryStream(TinyOnnx.ToyEncoder()), new MemoryStream(System.Text.Encoding.UTF8.GetBytes(TinyOnnx.ToyVocabulary)), name: "toy"));

    [Theory]
    [InlineData(BertExecutionProvider.Cuda, "Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0")]
    [InlineData(BertExecutionProvider.TensorRT, "Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0")]
    [InlineData(BertExecutionProvider.DirectML, "Microsoft.ML.OnnxRuntime.DirectML")]
    [InlineData(BertExecutionProvider.OpenVino, "Intel.ML.OnnxRuntime.OpenVino")]
    [InlineData(BertExecutionProvider.CoreML, "macOS")]
    public void Missing_provider_throws_naming_provider_package_and_what_is_available(BertExecutionProvider provider, string package)
    {
        Assert.DoesNotContain(ProviderName(provider), OrtEnv.Instance().GetAvailableProviders());
        var e = Assert.Throws<ExecutionProviderUnavailableException>(() => new BertSession(Toy.Value, new BertSessionOptions { ExecutionProvider = provider }));
        Assert.Equal(provider, e.Provider);
        Assert.Contains($"The {provider} execution provider is not available", e.Message);
        Assert.Contains(package, e.Message);
        Assert.Contains("CPUExecutionProvider", e.Message);
        Assert.Contains("FallbackToCpu", e.Message);
        Assert.Contains("CPUExecutionProvider", e.AvailableProviders);
        Assert.True(e.InnerException is EntryPointNotFoundException or DllNotFoundException or OnnxRuntimeException or NotSupportedException);
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

        var output = new float[session.OutputLength(1, 3)];
        session.Run(new long[] { 2, 4, 3 }, new long[] { 1, 1, 1 }, new long[3], 1, 3, output);
        Assert.Equal(new[] { 4f, 8f, 12f, 116f }, output[4..8]); // token "a" (id 4)
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

    private static string ProviderName(BertExecutionProvider provider) => provider switch
    {
        BertExecutionProvider.Cuda => "CUDAExecutionProvider",
        BertExecutionProvider.TensorRT => "TensorrtExecutionProvider",
        BertExecutionProvider.DirectML => "DmlExecutionProvider",
        BertExecutionProvider.OpenVino => "OpenVINOExecutionProvider",
        _ => "CoreMLExecutionProvider",
    };
}

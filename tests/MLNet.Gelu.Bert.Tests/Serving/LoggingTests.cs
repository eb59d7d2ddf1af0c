using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace MLNet.Gelu.Bert.Tests.Serving;

/// <summary>What a <see cref="BertEmbeddingGenerator"/> logs through <see cref="BertEmbedderOptions.Logger"/>: each event once,
/// with its level, stable id and structured values.</summary>
public sealed class LoggingTests
{
    [Fact]
    public async Task A_rejected_request_is_one_warning_naming_the_queue()
    {
        var log = new FakeLogger();
        await using var generator = Serving.Toy(new BertEmbeddingGeneratorOptions { MaxQueuedTexts = 2, QueueFullMode = QueueFullMode.Reject, Logger = log });
        var gate = new LoopGate(generator);
        var running = generator.GenerateAsync(["a"]);
        gate.WaitHeld();
        var fills = generator.GenerateAsync(["b", "c"]);

        await Assert.ThrowsAsync<EmbeddingQueueFullException>(() => generator.GenerateAsync(["d", "e", "f"]));

        var record = Assert.Single(log.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Equal(new EventId(101, "RequestRejected"), record.Id);
        Assert.Equal(generator.Model.Name, record.GetStructuredStateValue("ModelName"));
        Assert.Equal("3", record.GetStructuredStateValue("RequestedTexts"));
        Assert.Equal("2", record.GetStructuredStateValue("QueuedTexts"));
        Assert.Equal("2", record.GetStructuredStateValue("MaxQueuedTexts"));
        gate.Open();
        await Task.WhenAll(running, fills).WaitAsync(Serving.Patience);
        Assert.Single(log.Collector.GetSnapshot());
    }

    [Fact]
    public async Task A_failed_shared_run_is_a_warning_and_the_request_that_fails_alone_an_error()
    {
        var log = new FakeLogger();
        await using var generator = Serving.Toy(new BertEmbeddingGeneratorOptions { Logger = log });
        var gate = new LoopGate(generator) { Fail = texts => texts.Contains("poison") ? new InjectedModelFailure("the model failed") : null };
        var first = generator.GenerateAsync(["a"]);
        gate.WaitHeld();
        var healthy = generator.GenerateAsync(["b", "c c"]);
        var poisoned = generator.GenerateAsync(["d", "poison", "e"]);
        gate.Open();
        await Assert.ThrowsAsync<InjectedModelFailure>(() => poisoned.WaitAsync(Serving.Patience));
        await Task.WhenAll(first, healthy).WaitAsync(Serving.Patience);

        var records = log.Collector.GetSnapshot();
        Assert.Equal(2, records.Count);
        var batch = records[0];
        Assert.Equal(LogLevel.Warning, batch.Level);
        Assert.Equal(new EventId(102, "BatchFailed"), batch.Id);
        Assert.Equal("5", batch.GetStructuredStateValue("Texts"));
        Assert.Equal("2", batch.GetStructuredStateValue("Requests"));
        Assert.Equal("the model failed", Assert.IsType<InjectedModelFailure>(batch.Exception).Message);
        var request = records[1];
        Assert.Equal(LogLevel.Error, request.Level);
        Assert.Equal(new EventId(103, "RequestFailed"), request.Id);
        Assert.Equal("3", request.GetStructuredStateValue("Texts"));
        Assert.IsType<InjectedModelFailure>(request.Exception);
    }

    [Fact]
    public async Task A_failed_run_of_one_request_is_one_error()
    {
        var log = new FakeLogger();
        await using var generator = Serving.Toy(new BertEmbeddingGeneratorOptions { Logger = log });
        generator.Coalescer.BeforeModelRun = _ => throw new InjectedModelFailure("alone");

        await Assert.ThrowsAsync<InjectedModelFailure>(() => generator.GenerateAsync(["a", "b"]).WaitAsync(Serving.Patience));

        var record = Assert.Single(log.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Error, record.Level);
        Assert.Equal("RequestFailed", record.Id.Name);
        Assert.Equal("2", record.GetStructuredStateValue("Texts"));
    }

    [Fact]
    public async Task Disposal_logs_the_requests_it_fails_once()
    {
        var log = new FakeLogger();
        var generator = Serving.Toy(new BertEmbeddingGeneratorOptions { MaxQueuedTexts = 2, Logger = log });
        var gate = new LoopGate(generator);
        var running = generator.GenerateAsync(["a"]);
        gate.WaitHeld();
        var queued = generator.GenerateAsync(["b", "c"]);
        var waiting = generator.GenerateAsync(["d", "e", "f"]);

        var disposal = generator.DisposeAsync().AsTask();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => queued.WaitAsync(Serving.Patience));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.WaitAsync(Serving.Patience));
        gate.Open();
        await Task.WhenAll(running, disposal).WaitAsync(Serving.Patience);
        generator.Dispose();

        var record = Assert.Single(log.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Equal(new EventId(104, "RequestsFailedByDispose"), record.Id);
        Assert.Equal("2", record.GetStructuredStateValue("Requests"));
        Assert.Equal("5", record.GetStructuredStateValue("Texts"));
    }

    [Fact]
    public async Task A_generator_that_serves_without_trouble_logs_nothing()
    {
        var log = new FakeLogger();
        await using (var generator = Serving.Toy(new BertEmbeddingGeneratorOptions { Logger = log }))
        {
            await Task.WhenAll(Enumerable.Range(0, 20).Select(i => generator.GenerateAsync([Serving.ToyText(i)]))).WaitAsync(Serving.Patience);
        }

        Assert.Empty(log.Collector.GetSnapshot());
    }

    [Fact]
    public async Task Fallback_to_cpu_is_logged_through_the_generators_logger()
    {
        var log = new FakeLogger();
        await using var generator = Serving.Toy(new BertEmbeddingGeneratorOptions { ExecutionProvider = BertExecutionProvider.Cuda, FallbackToCpu = true, Logger = log });

        Assert.Equal(BertExecutionProvider.Cpu, generator.ExecutionProvider);
        var record = Assert.Single(log.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Equal(new EventId(1, "ExecutionProviderFallback"), record.Id);
        Serving.AssertEqualsAlone(["a b"], await generator.GenerateAsync(["a b"]).WaitAsync(Serving.Patience), Serving.ToyAlone);
    }
}

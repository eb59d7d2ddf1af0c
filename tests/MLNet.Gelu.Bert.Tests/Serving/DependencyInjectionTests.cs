using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using MLNet.Gelu.Bert.Tests.Support;

namespace MLNet.Gelu.Bert.Tests.Serving;

/// <summary><c>services.AddBertEmbeddingGenerator(...)</c>: registration from code and from configuration, lifetime, the
/// container's logging and metering, and Microsoft.Extensions.AI's middleware on top.</summary>
public sealed class DependencyInjectionTests
{
    private static readonly string[] Texts = ["a", "b b", "c c c", "a b"];

    [Fact]
    public async Task From_code_the_generator_is_one_lazy_singleton_under_both_service_types()
    {
        var created = 0;
        var services = new ServiceCollection();
        services.AddBertEmbeddingGenerator(
            _ => new BertEmbeddingGeneratorOptions { TokenBudget = 512, MaxQueuedTexts = 100, WindowSize = 32 },
            _ =>
            {
                Interlocked.Increment(ref created);
                return Serving.ToyModel;
            });
        await using var provider = services.BuildServiceProvider();
        Assert.Equal(0, created);

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        Assert.Same(generator, provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        var bert = Assert.IsType<BertEmbeddingGenerator>(generator);
        Assert.Same(bert, provider.GetRequiredService<BertEmbeddingGenerator>());
        Assert.Equal(1, created);
        Assert.Equal(512, bert.Options.TokenBudget);
        Assert.Equal(100, bert.Options.MaxQueuedTexts);
        Assert.Equal(32, bert.Options.WindowSize);
        Serving.AssertEqualsAlone(Texts, await generator.GenerateAsync(Texts).WaitAsync(Serving.Patience), Serving.ToyAlone);
    }

    [Fact]
    public async Task From_configuration_every_scalar_option_arrives()
    {
        var configuration = Configuration(new()
        {
            ["Embeddings:TokenBudget"] = "512",
            ["Embeddings:MaxBatchSize"] = "64",
            ["Embeddings:MaxQueuedTexts"] = "100",
            ["Embeddings:QueueFullMode"] = "Reject",
            ["Embeddings:MaxQueueDelay"] = "00:00:00.005",
            ["Embeddings:WindowSize"] = "32",
            ["Embeddings:ExecutionProvider"] = "Cuda",
            ["Embeddings:DeviceId"] = "0",
            ["Embeddings:FallbackToCpu"] = "true",
            ["Embeddings:IntraOpThreads"] = "1",
            ["Embeddings:InterOpThreads"] = "1",
            ["Embeddings:GraphOptimizationLevel"] = "ORT_ENABLE_BASIC",
            ["Embeddings:Pooling"] = "Cls",
            ["Embeddings:Normalize"] = "true",
            ["Embeddings:MaxTokens"] = "12",
            ["Embeddings:LongText"] = "Chunk",
            ["Embeddings:ChunkOverlap"] = "2",
            ["Embeddings:ProviderOptions:arena_extend_strategy"] = "kSameAsRequested",
            ["Embeddings:SessionConfigEntries:session.intra_op.allow_spinning"] = "0",
        });
        var services = new ServiceCollection();
        services.AddBertEmbeddingGenerator(configuration.GetSection("Embeddings"), Serving.ToyModel);
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<BertEmbeddingGenerator>().Options;

        Assert.Equal(512, options.TokenBudget);
        Assert.Equal(64, options.MaxBatchSize);
        Assert.Equal(100, options.MaxQueuedTexts);
        Assert.Equal(QueueFullMode.Reject, options.QueueFullMode);
        Assert.Equal(TimeSpan.FromMilliseconds(5), options.MaxQueueDelay);
        Assert.Equal(32, options.WindowSize);
        Assert.Equal(BertExecutionProvider.Cuda, options.ExecutionProvider);
        Assert.True(options.FallbackToCpu);
        Assert.Equal(1, options.IntraOpThreads);
        Assert.Equal(1, options.InterOpThreads);
        Assert.Equal(Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_BASIC, options.GraphOptimizationLevel);
        Assert.Equal(BertPooling.Cls, options.Pooling);
        Assert.True(options.Normalize);
        Assert.Equal(12, options.MaxTokens);
        Assert.Equal(BertLongTextMode.Chunk, options.LongText);
        Assert.Equal(2, options.ChunkOverlap);
        Assert.Equal("kSameAsRequested", options.ProviderOptions["arena_extend_strategy"]);
        Assert.Equal("0", options.SessionConfigEntries["session.intra_op.allow_spinning"]);
        Assert.Equal(BertExecutionProvider.Cpu, provider.GetRequiredService<BertEmbeddingGenerator>().ExecutionProvider);
    }

    [Fact]
    public void An_empty_section_gives_the_defaults()
    {
        var options = BertEmbeddingGeneratorOptions.FromConfiguration(Configuration([]).GetSection("Embeddings"));

        Assert.Equal(new BertEmbeddingGeneratorOptions().TokenBudget, options.TokenBudget);
        Assert.Equal(4096, options.MaxQueuedTexts);
        Assert.Equal(QueueFullMode.Wait, options.QueueFullMode);
        Assert.Empty(options.ProviderOptions);
    }

    [Theory]
    [InlineData("TokenBudget", "0")]
    [InlineData("MaxQueuedTexts", "0")]
    [InlineData("WindowSize", "-1")]
    [InlineData("MaxQueueDelay", "00:05:00")]
    [InlineData("IntraOpThreads", "-2")]
    public async Task An_out_of_range_value_fails_at_first_resolution_naming_its_key(string key, string value)
    {
        var services = new ServiceCollection();
        services.AddBertEmbeddingGenerator(Configuration(new() { [$"Embeddings:{key}"] = value }).GetSection("Embeddings"), Serving.ToyModel);
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());

        Assert.Equal(key, error.ParamName);
    }

    [Theory]
    [InlineData("TokenBugdet", "512", "TokenBugdet")]
    [InlineData("TokenBudget", "lots", "Embeddings:TokenBudget")]
    [InlineData("QueueFullMode", "Drop", "Embeddings:QueueFullMode")]
    public void An_unknown_key_or_an_unreadable_value_fails_naming_the_key(string key, string value, string named)
    {
        var section = Configuration(new() { [$"Embeddings:{key}"] = value }).GetSection("Embeddings");

        var error = Assert.Throws<InvalidOperationException>(() => BertEmbeddingGeneratorOptions.FromConfiguration(section));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disposing_the_container_disposes_the_generator()
    {
        var services = new ServiceCollection();
        services.AddBertEmbeddingGenerator(model: Serving.ToyModel);
        var provider = services.BuildServiceProvider();
        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        await generator.GenerateAsync(Texts).WaitAsync(Serving.Patience);

        await provider.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => generator.GenerateAsync(Texts));
    }

    [Fact]
    public async Task The_generator_logs_through_the_containers_logger_factory()
    {
        var services = new ServiceCollection();
        services.AddFakeLogging();
        services.AddBertEmbeddingGenerator(new BertEmbeddingGeneratorOptions { ExecutionProvider = BertExecutionProvider.Cuda, FallbackToCpu = true }, Serving.ToyModel);
        await using var provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<BertEmbeddingGenerator>();

        var record = Assert.Single(provider.GetFakeLogCollector().GetSnapshot());
        Assert.Equal("MLNet.Gelu.Bert.BertEmbeddingGenerator", record.Category);
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Equal("ExecutionProviderFallback", record.Id.Name);
        Assert.NotNull(generator.Options.Logger);
    }

    [Fact]
    public async Task The_generator_measures_through_the_containers_meter_factory()
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddBertEmbeddingGenerator(model: Serving.ToyModel);
        await using var provider = services.BuildServiceProvider();
        using var requests = new MetricCollector<long>(provider.GetRequiredService<IMeterFactory>(), BertEmbeddingGenerator.MeterName, "mlnet.gelu.embedding.requests");
        using var rows = new MetricCollector<int>(provider.GetRequiredService<IMeterFactory>(), BertEmbeddingGenerator.MeterName, "mlnet.gelu.embedding.batch.rows");
        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        await generator.GenerateAsync(Texts).WaitAsync(Serving.Patience);

        Assert.Equal(1, Assert.Single(requests.GetMeasurementSnapshot()).Value);
        Assert.Equal(Texts.Length, Assert.Single(rows.GetMeasurementSnapshot()).Value);
    }

    [Fact]
    public async Task A_distributed_cache_in_front_serves_the_second_identical_call_without_the_model()
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddBertEmbeddingGenerator(model: Serving.ToyModel)
            .UseDistributedCache(new MemoryDistributedCache(Microsoft.Extensions.Options.Options.Create(new MemoryDistributedCacheOptions())));
        await using var provider = services.BuildServiceProvider();
        using var requests = new MetricCollector<long>(provider.GetRequiredService<IMeterFactory>(), BertEmbeddingGenerator.MeterName, "mlnet.gelu.embedding.requests");
        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        Assert.IsType<DistributedCachingEmbeddingGenerator<string, Embedding<float>>>(generator);
        Assert.Same(provider.GetRequiredService<BertEmbeddingGenerator>(), generator.GetService<BertEmbeddingGenerator>());

        var first = await generator.GenerateAsync(Texts).WaitAsync(Serving.Patience);
        var model = requests.GetMeasurementSnapshot().Sum(m => m.Value);
        var second = await generator.GenerateAsync(Texts).WaitAsync(Serving.Patience);

        Assert.Equal(1, model);
        Assert.Equal(model, requests.GetMeasurementSnapshot().Sum(m => m.Value));
        for (var i = 0; i < Texts.Length; i++)
        {
            Assert.Equal(first[i].Vector.ToArray(), second[i].Vector.ToArray());
        }

        Serving.AssertEqualsAlone(Texts, second, Serving.ToyAlone);
    }

    [Fact]
    public async Task Logging_and_OpenTelemetry_middleware_wrap_it_and_the_vectors_stay_equal()
    {
        var model = Serving.UniqueToyModel();
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is BertEmbeddingGenerator.ActivitySourceName or "MLNet.Gelu.Bert.Tests.Meai",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        services.AddBertEmbeddingGenerator(model: model).UseLogging().UseOpenTelemetry(sourceName: "MLNet.Gelu.Bert.Tests.Meai");
        await using var provider = services.BuildServiceProvider();
        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        Assert.IsNotType<BertEmbeddingGenerator>(generator);
        var bert = generator.GetService<BertEmbeddingGenerator>()!;

        var wrapped = await generator.GenerateAsync(Texts).WaitAsync(Serving.Patience);
        var direct = await bert.GenerateAsync(Texts).WaitAsync(Serving.Patience);

        for (var i = 0; i < Texts.Length; i++)
        {
            Assert.Equal(direct[i].Vector.ToArray(), wrapped[i].Vector.ToArray());
        }

        Assert.Contains(provider.GetFakeLogCollector().GetSnapshot(),
            r => r.Category is { } category && category.StartsWith("Microsoft.Extensions.AI.LoggingEmbeddingGenerator", StringComparison.Ordinal));
        var call = Assert.Single(stopped, a => a.Source.Name == "MLNet.Gelu.Bert.Tests.Meai");
        var batches = stopped.Where(a => Equals(a.GetTagItem("gen_ai.request.model"), bert.Model.Name) && a.Source.Name == BertEmbeddingGenerator.ActivitySourceName).ToArray();
        Assert.Equal(2, batches.Length);
        Assert.Equal(call.Context, Assert.Single(batches[0].Links).Context);
        Assert.Empty(batches[1].Links);
    }

    [Fact]
    public async Task The_default_model_serves_MiniLM_embeddings_equal_to_the_embedders()
    {
        var services = new ServiceCollection();
        services.AddBertEmbeddingGenerator(Serving.MiniLmOptions);
        await using var provider = services.BuildServiceProvider();
        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        string[] sentences = ["A cat sits on the mat.", "Stock markets fell sharply today."];

        var embeddings = await generator.GenerateAsync(sentences).WaitAsync(Serving.Patience);

        Assert.Equal(384, generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelDimensions);
        Serving.AssertEqualsAlone(sentences, embeddings, text => MiniLm.Embedder.Embed(text));
    }

    private static IConfigurationRoot Configuration(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}

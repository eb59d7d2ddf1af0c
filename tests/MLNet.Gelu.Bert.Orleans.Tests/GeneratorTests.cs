using Microsoft.Extensions.AI;
using MLNet.Gelu.Bert.Orleans.Tests.Support;

namespace MLNet.Gelu.Bert.Orleans.Tests;

/// <summary>The cluster generator answers as the in-process one: same vectors, usage, metadata and exception types.</summary>
[Collection(nameof(SharedCluster))]
public sealed class GeneratorTests(ClusterFixture fixture)
{
    private BertEmbeddingClusterGenerator Generator => fixture.Cluster.Generator;

    [Fact]
    public async Task Embeddings_equal_each_text_embedded_alone_in_process()
    {
        string?[] texts = ["a b c", null, "", "h h h h h", .. Enumerable.Range(0, 40).Select(Toy.Text)];
        var result = await Generator.GenerateAsync(texts!);

        Vectors.AssertEqualsAlone(texts, result, Toy.Alone);
        Assert.Equal(texts.Sum(t => (t ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Length + 2), result.Usage!.InputTokenCount);
        Assert.All(result, e => Assert.Equal("toy (ONNX)", e.ModelId));
    }

    [Fact]
    public async Task Empty_request_is_answered_without_a_call()
    {
        var result = await Generator.GenerateAsync([]);

        Assert.Empty(result);
        Assert.Equal(0, result.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task Metadata_names_the_silos_model_once_a_silo_answered()
    {
        await Generator.GenerateAsync(["a"]);
        var metadata = Assert.IsType<EmbeddingGeneratorMetadata>(Generator.GetService(typeof(EmbeddingGeneratorMetadata)));

        Assert.Equal("MLNet.Gelu", metadata.ProviderName);
        Assert.Equal("toy (ONNX)", metadata.DefaultModelId);
        Assert.Equal(4, metadata.DefaultModelDimensions);
        Assert.Same(Generator, Generator.GetService(typeof(IEmbeddingGenerator<string, Embedding<float>>)));
        Assert.Null(Generator.GetService(typeof(string)));
        Assert.Null(Generator.GetService(typeof(EmbeddingGeneratorMetadata), "key"));
    }

    [Fact]
    public async Task Null_values_throw_on_the_client()
    {
        var thrown = await Assert.ThrowsAsync<ArgumentNullException>(() => Generator.GenerateAsync(null!));
        Assert.Equal("values", thrown.ParamName);
        Assert.Throws<ArgumentNullException>(() => Generator.EmbedManyAsync((IEnumerable<string?>)null!));
    }

    [Fact]
    public async Task Other_dimensions_or_model_throw_the_in_process_generators_argument_exception()
    {
        // A fresh generator has not met the silos' model yet, so the silo checks (and the fault comes back as the same type).
        using var fresh = fixture.Cluster.NewGenerator(new BertEmbeddingClusterOptions());
        using var local = new BertEmbeddingGenerator(Toy.Model());
        foreach (var options in new[] { new EmbeddingGenerationOptions { Dimensions = 7 }, new EmbeddingGenerationOptions { ModelId = "other" } })
        {
            var expected = await Assert.ThrowsAsync<ArgumentException>(() => local.GenerateAsync(["a"], options));
            var remote = await Assert.ThrowsAsync<ArgumentException>(() => fresh.GenerateAsync(["a"], options));
            Assert.Equal(expected.Message, remote.Message);
            Assert.Equal(expected.ParamName, remote.ParamName);

            // Once the model is known, the client checks before sending.
            await fresh.GenerateAsync(["a"]);
            var early = await Assert.ThrowsAsync<ArgumentException>(() => fresh.GenerateAsync(["a"], options));
            Assert.Equal(expected.Message, early.Message);
        }
    }

    [Fact]
    public async Task A_disposed_generator_throws_ObjectDisposedException()
    {
        var generator = fixture.Cluster.NewGenerator(new BertEmbeddingClusterOptions());
        generator.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => generator.GenerateAsync(["a"]));
        Assert.Throws<ObjectDisposedException>(() => generator.EmbedManyAsync(["a"]));
    }

    [Fact]
    public void Options_out_of_range_are_named()
    {
        var client = fixture.Cluster.Host.Client;
        Assert.Equal("RequestTimeout", Assert.Throws<ArgumentOutOfRangeException>(() => new BertEmbeddingClusterGenerator(client, new() { RequestTimeout = TimeSpan.Zero })).ParamName);
        Assert.Equal("MaxAttempts", Assert.Throws<ArgumentOutOfRangeException>(() => new BertEmbeddingClusterGenerator(client, new() { MaxAttempts = 0 })).ParamName);
        Assert.Equal("ChunkSize", Assert.Throws<ArgumentOutOfRangeException>(() => new BertEmbeddingClusterGenerator(client, new() { ChunkSize = 0 })).ParamName);
        Assert.Equal("MaxChunksInFlight", Assert.Throws<ArgumentOutOfRangeException>(() => new BertEmbeddingClusterGenerator(client, new() { MaxChunksInFlight = 0 })).ParamName);
        Assert.Throws<ArgumentNullException>(() => new BertEmbeddingClusterGenerator(null!));
    }

    [Fact]
    public async Task Requests_are_spread_over_the_silos()
    {
        var calls = new ClusterCalls(fixture.Cluster.Host.Client, new BertEmbeddingClusterOptions());
        var silos = new HashSet<string>();
        for (var i = 0; i < 40 && silos.Count < 2; i++)
        {
            silos.Add((await calls.CallAsync(["a b"], null, null, retryQueueFull: false, CancellationToken.None)).Silo!);
        }

        Assert.Equal(2, silos.Count);
    }

    [Fact]
    public async Task Concurrent_callers_get_their_own_vectors_over_many_rounds()
    {
        for (var round = 0; round < 20; round++)
        {
            var callers = Enumerable.Range(0, 16).Select(async caller =>
            {
                string[] texts = [.. Enumerable.Range(caller * 5, 1 + (caller % 5)).Select(Toy.Text)];
                Vectors.AssertEqualsAlone(texts, await Generator.GenerateAsync(texts), Toy.Alone);
            });
            await Task.WhenAll(callers);
        }
    }
}

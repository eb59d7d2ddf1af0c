using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.AI;
using Xunit.Abstractions;
using MLNet.Gelu.Bert.Orleans.Tests.Support;

namespace MLNet.Gelu.Bert.Orleans.Tests;

[CollectionDefinition(nameof(Redis))]
public sealed class Redis : ICollectionFixture<RedisServer>;

/// <summary>
/// The deployment shape: silos as separate <c>samples/ClusterSilo</c> processes with membership in a real Redis, and a
/// client in the test process. Embeddings equal the local generator's; SIGKILL or a silo joining mid-job loses no row and
/// keeps the order; SIGTERM stops a silo gracefully.
/// </summary>
[Collection(nameof(Redis))]
public sealed class MultiProcessTests(RedisServer redis, ITestOutputHelper output)
{
    private static readonly BertEmbeddingClusterOptions ClientOptions = new()
    {
        ChunkSize = 25,
        MaxChunksInFlight = 6,
        RequestTimeout = TimeSpan.FromSeconds(5),
        MaxAttempts = 10,
    };

    [Fact]
    public async Task Three_silo_processes_answer_as_the_local_generator_and_stop_gracefully_on_SIGTERM()
    {
        using var folder = new TempFolder();
        await using var cluster = await StartToyCluster(3, folder);
        using var local = new BertEmbeddingGenerator(ToyFrom(folder));
        string?[] texts = ["a b c", null, "", .. Enumerable.Range(0, 60).Select(Toy.Text)];
        var expected = await local.GenerateAsync(texts!);
        float[] Alone(string? text) => expected[Array.IndexOf(texts, text)].Vector.ToArray();

        Vectors.AssertEqualsAlone(texts, await cluster.Generator.GenerateAsync(texts!), Alone);
        Vectors.AssertEqualsAlone(texts, await Collect(cluster.Generator.EmbedManyAsync(texts)), Alone);

        // Requests are spread over all three processes.
        var calls = new ClusterCalls(cluster.Client, ClientOptions);
        var silos = new HashSet<string>();
        for (var i = 0; i < 60 && silos.Count < 3; i++)
        {
            silos.Add((await calls.CallAsync(["a"], null, null, retryQueueFull: false, CancellationToken.None)).Silo!);
        }

        Assert.Equal(3, silos.Count);

        // SIGTERM: the silo leaves the cluster and exits cleanly; the others keep serving.
        Assert.Equal(0, await cluster.Silos[0].TerminateAsync());
        Assert.Contains("Silo stopped.", cluster.Silos[0].Log, StringComparison.Ordinal);
        Vectors.AssertEqualsAlone(texts, await cluster.Generator.GenerateAsync(texts!), Alone);
    }

    [Fact]
    public async Task SIGKILL_of_a_silo_mid_job_loses_no_row_and_keeps_the_order()
    {
        using var folder = new TempFolder();
        await using var cluster = await StartToyCluster(3, folder);
        using var local = new BertEmbedder(ToyFrom(folder));
        var texts = Enumerable.Range(0, 3000).Select(Toy.Text).ToArray();
        var killed = false;
        var reports = new ConcurrentQueue<BulkEmbeddingProgress>();

        var embeddings = await Collect(cluster.Generator.EmbedManyAsync(texts, new SynchronousProgress(p =>
        {
            reports.Enqueue(p);
            if (p.Rows >= 600 && !killed)
            {
                killed = true;
                cluster.Silos[^1].Kill();
            }
        })));

        Assert.True(killed);
        Assert.True(cluster.Silos[^1].HasExited);
        Vectors.AssertEqualsAlone(texts, embeddings, local.Embed);
        Assert.Equal(3000, reports.Last().Rows);
        output.WriteLine($"After the kill: {reports.Last()}");
    }

    [Fact]
    public async Task A_silo_process_added_mid_job_receives_chunks()
    {
        using var folder = new TempFolder();
        await using var cluster = await StartToyCluster(2, folder);
        using var local = new BertEmbedder(ToyFrom(folder));
        var scoredBy = new ConcurrentDictionary<string, int>();
        cluster.Generator.Calls.AfterAnswer = reply => scoredBy.AddOrUpdate(reply.Silo!, reply.Count, (_, rows) => rows + reply.Count);
        string? newcomer = null;

        async IAsyncEnumerable<string?> Corpus()
        {
            for (var i = 0; i < 50_000; i++)
            {
                if (i == 200)
                {
                    var silo = await cluster.AddSiloAsync();
                    newcomer = $":{silo.SiloPort.ToString(CultureInfo.InvariantCulture)}:";
                }

                // Once the newcomer has scored a chunk the point is made: end the corpus there.
                if (newcomer is not null && i % 25 == 0 && scoredBy.Keys.Any(s => s.Contains(newcomer, StringComparison.Ordinal)))
                {
                    yield break;
                }

                yield return Toy.Text(i);
            }
        }

        var embeddings = await Collect(cluster.Generator.EmbedManyAsync(Corpus()));

        Assert.NotNull(newcomer);
        Assert.Contains(scoredBy.Keys, s => s.Contains(newcomer, StringComparison.Ordinal));
        var texts = Enumerable.Range(0, embeddings.Count).Select(Toy.Text).ToArray();
        Vectors.AssertEqualsAlone(texts, embeddings, local.Embed);
    }

    /// <summary>Silo processes serving the toy from files written into <paramref name="folder"/>.</summary>
    private Task<ProcessCluster> StartToyCluster(int silos, TempFolder folder) => ProcessCluster.StartAsync(redis, silos, ClientOptions, Toy.WriteFiles(folder.Path));

    /// <summary>The toy as the silos load it (the model files' default settings).</summary>
    private static BertModel ToyFrom(TempFolder folder) =>
        BertModel.FromFiles(Path.Combine(folder.Path, "toy.onnx"), Path.Combine(folder.Path, "toy-vocab.txt"));

    private static async Task<List<Embedding<float>>> Collect(IAsyncEnumerable<Embedding<float>> embeddings)
    {
        var list = new List<Embedding<float>>();
        await foreach (var embedding in embeddings)
        {
            list.Add(embedding);
        }

        return list;
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using MLNet.Gelu.Bert.Orleans.Tests.Support;

namespace MLNet.Gelu.Bert.Orleans.Tests;

/// <summary>Bulk jobs: input order, every row once, progress, cancellation, bounded reading, retried and duplicated chunks.</summary>
public sealed class BulkTests
{
    [Fact]
    public async Task Rows_come_back_in_input_order_once_each_with_progress()
    {
        await using var cluster = await Cluster.StartAsync(2);
        cluster.Watch();
        using var generator = cluster.NewGenerator(new BertEmbeddingClusterOptions { ChunkSize = 37, MaxChunksInFlight = 4 });
        var texts = Enumerable.Range(0, 1000).Select(Toy.Text).ToArray();
        var reports = new ConcurrentQueue<BulkEmbeddingProgress>();

        var embeddings = await Collect(generator.EmbedManyAsync(texts, new SynchronousProgress(reports.Enqueue)));

        Vectors.AssertEqualsAlone(texts, embeddings, Toy.Alone);
        Assert.Equal(28, reports.Count);                                     // ceil(1000 / 37) chunks
        Assert.Equal(Enumerable.Range(1, 28).Select(c => (long)Math.Min(1000, c * 37)), reports.Select(r => r.Rows));
        Assert.Equal(1000, cluster.RowsBySilo.Values.Sum());                 // each row scored once, nothing dispatched twice
        Assert.All(cluster.RowsBySilo.Values, rows => Assert.True(rows > 0, "A silo received no chunk."));
    }

    [Fact]
    public async Task An_async_stream_is_read_only_as_far_as_the_window_needs()
    {
        await using var cluster = await Cluster.StartAsync(1);
        using var generator = cluster.NewGenerator(new BertEmbeddingClusterOptions { ChunkSize = 10, MaxChunksInFlight = 3 });
        var read = 0;

        async IAsyncEnumerable<string?> Corpus()
        {
            for (var i = 0; i < 500; i++)
            {
                await Task.Yield();
                Interlocked.Increment(ref read);
                yield return Toy.Text(i);
            }
        }

        var consumed = 0;
        await foreach (var embedding in generator.EmbedManyAsync(Corpus()))
        {
            consumed++;
            Assert.True(Volatile.Read(ref read) <= consumed + (10 * 3) + 10, $"{read} rows read when {consumed} were consumed.");
            Vectors.AssertEqualsAlone([Toy.Text(consumed - 1)], [embedding], Toy.Alone);
        }

        Assert.Equal(500, consumed);
    }

    [Fact]
    public async Task Cancelling_a_job_stops_it_with_OperationCanceledException()
    {
        await using var cluster = await Cluster.StartAsync(1);
        using var generator = cluster.NewGenerator(new BertEmbeddingClusterOptions { ChunkSize = 10, MaxChunksInFlight = 2 });
        using var cancel = new CancellationTokenSource();
        var consumed = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var embedding in generator.EmbedManyAsync(Enumerable.Range(0, 100_000).Select(Toy.Text), cancellationToken: cancel.Token))
            {
                if (++consumed == 50)
                {
                    await cancel.CancelAsync();
                }
            }
        });
        Assert.InRange(consumed, 50, 60);
    }

    [Fact]
    public async Task A_chunk_dispatched_twice_yields_its_rows_once()
    {
        await using var cluster = await Cluster.StartAsync(2);
        var secondTry = new ManualResetEventSlim();
        var held = 0;
        cluster.Watch((_, texts) =>
        {
            // Hold chunk 0's first run until the client has sent the chunk again; both tries then answer.
            if (texts.Contains("marker") && Interlocked.Increment(ref held) == 1)
            {
                secondTry.Wait(Cluster.Patience);
            }
        });
        using var generator = cluster.NewGenerator(new BertEmbeddingClusterOptions { ChunkSize = 8, MaxChunksInFlight = 4, RequestTimeout = TimeSpan.FromMilliseconds(500) });
        generator.Calls.BeforeTry = (texts, attempt) =>
        {
            if (attempt == 2 && texts.Contains("marker"))
            {
                secondTry.Set();
            }
        };
        string[] texts = ["marker", .. Enumerable.Range(1, 99).Select(Toy.Text)];
        var reports = new ConcurrentQueue<BulkEmbeddingProgress>();

        var embeddings = await Collect(generator.EmbedManyAsync(texts, new SynchronousProgress(reports.Enqueue)));

        Vectors.AssertEqualsAlone(texts, embeddings, Toy.Alone);
        Assert.True(reports.Last().Retries >= 1, "The held chunk was not sent again.");
        Assert.True(cluster.RowsBySilo.Values.Sum() > 100, "No chunk was scored twice.");
    }

    [Fact]
    public async Task Killing_a_silo_mid_job_loses_no_row()
    {
        await using var cluster = await Cluster.StartAsync(3);
        using var generator = cluster.NewGenerator(new BertEmbeddingClusterOptions { ChunkSize = 20, MaxChunksInFlight = 6, RequestTimeout = TimeSpan.FromSeconds(3), MaxAttempts = 10 });
        var texts = Enumerable.Range(0, 3000).Select(Toy.Text).ToArray();
        var victim = cluster.Host.Silos[^1];
        Task? kill = null;

        var embeddings = await Collect(generator.EmbedManyAsync(texts, new SynchronousProgress(p =>
        {
            if (p.Rows >= 600 && kill is null)
            {
                kill = cluster.Host.KillSiloAsync(victim);
            }
        })));

        Assert.NotNull(kill);
        await kill;
        Vectors.AssertEqualsAlone(texts, embeddings, Toy.Alone);
    }

    [Fact]
    public async Task A_silo_added_mid_job_receives_chunks()
    {
        await using var cluster = await Cluster.StartAsync(1);
        cluster.Watch();
        using var generator = cluster.NewGenerator(new BertEmbeddingClusterOptions { ChunkSize = 10, MaxChunksInFlight = 4 });
        var added = new TaskCompletionSource<global::Orleans.TestingHost.InProcessSiloHandle>();
        var started = false;

        async IAsyncEnumerable<string?> Corpus()
        {
            for (var i = 0; i < 4000; i++)
            {
                if (i == 200)
                {
                    started = true;
                    var silo = await cluster.Host.StartAdditionalSiloAsync();
                    cluster.Watch(silo);
                    added.SetResult(silo);
                }

                // After the new silo joined, keep the job going until it has scored something (or the corpus ends).
                if (added.Task.IsCompleted && cluster.RowsBySilo.GetValueOrDefault(added.Task.Result.SiloAddress.ToString()) > 0 && i % 10 == 0)
                {
                    yield break;
                }

                yield return Toy.Text(i);
            }
        }

        var embeddings = await Collect(generator.EmbedManyAsync(Corpus()));

        Assert.True(started);
        var newcomer = (await added.Task).SiloAddress.ToString();
        Assert.True(cluster.RowsBySilo[newcomer] > 0, "The silo added mid-job scored no chunk.");
        Vectors.AssertEqualsAlone([.. Enumerable.Range(0, embeddings.Count).Select(Toy.Text)], embeddings, Toy.Alone);
    }

    [Fact]
    public async Task An_IDataView_text_column_is_embedded_row_by_row_in_order()
    {
        await using var cluster = await Cluster.StartAsync(2);
        using var generator = cluster.NewGenerator(new BertEmbeddingClusterOptions { ChunkSize = 16, MaxChunksInFlight = 3 });
        var rows = Enumerable.Range(0, 300).Select(i => new TextRow { Id = i, Text = Toy.Text(i) }).ToArray();
        var data = new Microsoft.ML.MLContext(seed: 1).Data.LoadFromEnumerable(rows);

        var embeddings = await Collect(generator.EmbedManyAsync(data, nameof(TextRow.Text)));

        Vectors.AssertEqualsAlone([.. rows.Select(r => r.Text)], embeddings, Toy.Alone);
        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => generator.EmbedManyAsync(data, "Body"));
        Assert.Contains("'Body' was not found", missing.Message, StringComparison.Ordinal);
        var numeric = Assert.Throws<ArgumentOutOfRangeException>(() => generator.EmbedManyAsync(data, nameof(TextRow.Id)));
        Assert.Contains("'Id' has type", numeric.Message, StringComparison.Ordinal);
    }

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

/// <summary>A row of the IDataView test.</summary>
internal sealed class TextRow
{
    public int Id { get; set; }

    public string Text { get; set; } = "";
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread (Progress&lt;T&gt; posts, so reports could arrive late).</summary>
internal sealed class SynchronousProgress(Action<BulkEmbeddingProgress> report) : IProgress<BulkEmbeddingProgress>
{
    public void Report(BulkEmbeddingProgress value) => report(value);
}

using MLNet.Gelu.Bert.Orleans.Tests.Support;

namespace MLNet.Gelu.Bert.Orleans.Tests;

/// <summary>Full queues, timeouts and shutting-down silos reach the client as the in-process generator's exception types, or are retried.</summary>
public sealed class FailureTests
{
    [Fact]
    public async Task A_full_silo_queue_throws_EmbeddingQueueFullException_with_its_counts()
    {
        await using var cluster = await Cluster.StartAsync(1, new BertEmbeddingGeneratorOptions { MaxQueuedTexts = 2, QueueFullMode = QueueFullMode.Reject });
        var gate = new Gate();
        cluster.Watch((_, _) => gate.Hold());
        var silo = Cluster.GeneratorOf(cluster.Host.Silos[0]);

        var running = cluster.Generator.GenerateAsync(["a"]);            // taken into a round and held
        await gate.WaitHeldAsync();
        var queued = cluster.Generator.GenerateAsync(["b", "c"]);        // fills the queue
        await WaitUntil(() => silo.Coalescer.QueuedTexts == 2, "the second request is queued");

        var thrown = await Assert.ThrowsAsync<EmbeddingQueueFullException>(() => cluster.Generator.GenerateAsync(["d"]));
        Assert.Equal((1, 2, 2), (thrown.RequestedTexts, thrown.QueuedTexts, thrown.MaxQueuedTexts));

        gate.Open();
        Vectors.AssertEqualsAlone(["a"], await running, Toy.Alone);
        Vectors.AssertEqualsAlone(["b", "c"], await queued, Toy.Alone);
    }

    [Fact]
    public async Task A_silo_that_never_answers_ends_in_TimeoutException_after_the_configured_tries()
    {
        await using var cluster = await Cluster.StartAsync(1);
        var gate = new Gate();
        cluster.Watch((_, _) => gate.Hold());
        using var generator = cluster.NewGenerator(new BertEmbeddingClusterOptions { RequestTimeout = TimeSpan.FromMilliseconds(300), MaxAttempts = 2 });

        var thrown = await Assert.ThrowsAsync<TimeoutException>(() => generator.GenerateAsync(["a"]));
        Assert.Contains("RequestTimeout", thrown.Message, StringComparison.Ordinal);
        Assert.Equal(1, generator.Calls.Retries);
        gate.Open();
    }

    [Fact]
    public async Task Cancelling_a_request_throws_OperationCanceledException()
    {
        await using var cluster = await Cluster.StartAsync(1);
        var gate = new Gate();
        cluster.Watch((_, _) => gate.Hold());
        using var cancel = new CancellationTokenSource();

        var request = cluster.Generator.GenerateAsync(["a"], cancellationToken: cancel.Token);
        await gate.WaitHeldAsync();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        gate.Open();
    }

    [Fact]
    public async Task Disposing_the_generator_fails_requests_in_flight_with_ObjectDisposedException()
    {
        await using var cluster = await Cluster.StartAsync(1);
        var gate = new Gate();
        cluster.Watch((_, _) => gate.Hold());
        var generator = cluster.NewGenerator(new BertEmbeddingClusterOptions());

        var request = generator.GenerateAsync(["a"]);
        await gate.WaitHeldAsync();
        generator.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => request);
        gate.Open();
    }

    [Fact]
    public void Only_failures_another_silo_could_fix_are_retried()
    {
        Assert.True(ClusterCalls.IsTransient(new ObjectDisposedException("x"), fromSilo: true, retryQueueFull: false));
        Assert.False(ClusterCalls.IsTransient(new ObjectDisposedException("x"), fromSilo: false, retryQueueFull: false));
        Assert.True(ClusterCalls.IsTransient(new EmbeddingQueueFullException(1, 1, 1), fromSilo: true, retryQueueFull: true));
        Assert.False(ClusterCalls.IsTransient(new EmbeddingQueueFullException(1, 1, 1), fromSilo: true, retryQueueFull: false));
        Assert.True(ClusterCalls.IsTransient(new global::Orleans.Runtime.SiloUnavailableException(), fromSilo: false, retryQueueFull: false));
        Assert.True(ClusterCalls.IsTransient(new TimeoutException(), fromSilo: false, retryQueueFull: false));
        Assert.False(ClusterCalls.IsTransient(new ArgumentException("bad"), fromSilo: true, retryQueueFull: true));
        Assert.False(ClusterCalls.IsTransient(new InvalidOperationException("model failed"), fromSilo: false, retryQueueFull: true));
    }

    [Fact]
    public void Faults_rebuild_the_same_exception_type_message_and_names()
    {
        Exception[] originals =
        [
            new ArgumentException("Bad options.", "options"),
            new ArgumentNullException("values"),
            new ArgumentOutOfRangeException("TokenBudget"),
            new ObjectDisposedException(nameof(BertEmbeddingGenerator), "Disposed before scored."),
            new EmbeddingQueueFullException(3, 4, 5),
        ];
        foreach (var original in originals)
        {
            var rebuilt = EmbeddingFault.From(original)!.ToException();
            Assert.Equal(original.GetType(), rebuilt.GetType());
            Assert.Equal(original.Message, rebuilt.Message);
            Assert.Equal((original as ArgumentException)?.ParamName, (rebuilt as ArgumentException)?.ParamName);
            Assert.Equal((original as ObjectDisposedException)?.ObjectName, (rebuilt as ObjectDisposedException)?.ObjectName);
        }

        Assert.Null(EmbeddingFault.From(new InvalidOperationException("model failed")));
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Cluster.Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Gave up waiting until {what}.");
            await Task.Delay(5);
        }
    }
}

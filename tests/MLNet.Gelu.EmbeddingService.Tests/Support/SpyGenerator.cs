using Microsoft.Extensions.AI;

namespace MLNet.Gelu.EmbeddingService.Tests.Support;

/// <summary>
/// Wraps the service's generator to watch it from the test: requests handed to it and still running, requests it
/// queued, and when the container disposes it (with how many requests were still running then).
/// </summary>
internal sealed class SpyGenerator(IEmbeddingGenerator<string, Embedding<float>> inner, Action<string>? timeline = null)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    private readonly SemaphoreSlim _queued = new(0);
    private int _running;
    private int _calls;

    /// <summary>Requests handed to the generator whose task has not finished.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Requests handed to the generator.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Whether the container disposed the generator, and how many requests were running when it did.</summary>
    public (bool Disposed, int RunningThen) Disposal { get; private set; }

    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        Interlocked.Increment(ref _running);
        try
        {
            // BertEmbeddingGenerator queues a request before GenerateAsync returns (or throws when the queue is full).
            var task = base.GenerateAsync(values, options, cancellationToken);
            _queued.Release();
            return await task.ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    /// <summary>Waits until a request has been queued by the generator.</summary>
    public async Task WaitQueuedAsync() => Assert.True(await _queued.WaitAsync(RunningService.Patience), "No request reached the generator's queue.");

    /// <summary>Waits until no request is running in the generator.</summary>
    public async Task WaitIdleAsync()
    {
        var deadline = DateTime.UtcNow + RunningService.Patience;
        while (Running > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{Running} requests never left the generator.");
            await Task.Delay(5);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !Disposal.Disposed)
        {
            Disposal = (true, Running);
            timeline?.Invoke("generator disposed");
        }

        base.Dispose(disposing);
    }
}

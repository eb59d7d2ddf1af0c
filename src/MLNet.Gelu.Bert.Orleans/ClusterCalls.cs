using System.Runtime.ExceptionServices;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace MLNet.Gelu.Bert;

/// <summary>
/// One logical call to the cluster (a request, or a chunk of a bulk job), tried on freshly placed grains until one try
/// answers: a try that fails for a reason another silo would not have (silo dead or unreachable, silo shutting down, queue
/// full for bulk jobs) is repeated after a short backoff; a try that takes longer than
/// <see cref="BertEmbeddingClusterOptions.RequestTimeout"/> is repeated on another silo while it keeps running, and the
/// first answer wins (a later one is counted and dropped). At most <see cref="BertEmbeddingClusterOptions.MaxAttempts"/>
/// tries, each with its own deadline, so a call never waits longer than their sum (plus backoffs).
/// </summary>
internal sealed class ClusterCalls(IClusterClient client, BertEmbeddingClusterOptions options)
{
    /// <summary>The wait before the second try after a failure; doubled for each later one, at most <see cref="LongestBackoff"/>.</summary>
    internal static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(200);

    private static readonly TimeSpan LongestBackoff = TimeSpan.FromSeconds(2);

    private long _retries;
    private long _duplicates;

    /// <summary>Tries beyond the first, over all calls.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Answers that arrived after their call had been answered by another try, and were dropped.</summary>
    public long DuplicatesDropped => Interlocked.Read(ref _duplicates);

    /// <summary>Test seam: called before each try with the call's texts and the try's number (1-based).</summary>
    internal Action<string?[], int>? BeforeTry { get; set; }

    /// <summary>Test seam: called with each call's winning answer (which silo scored it).</summary>
    internal Action<EmbeddingReply>? AfterAnswer { get; set; }

    /// <summary>A fresh set of counters (for one bulk job) with the same client, options and seams.</summary>
    public ClusterCalls WithNewCounters() => new(client, options) { BeforeTry = BeforeTry, AfterAnswer = AfterAnswer };

    /// <summary>Embeds <paramref name="texts"/> on the cluster.</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="dimensions">Forwarded to the silo's generator, which checks it.</param>
    /// <param name="modelId">Forwarded to the silo's generator, which checks it.</param>
    /// <param name="retryQueueFull">Whether a silo's <see cref="EmbeddingQueueFullException"/> is retried (bulk jobs) or thrown (requests).</param>
    /// <param name="cancellationToken">Cancels the call and its tries on the silos.</param>
    /// <returns>The first answer.</returns>
    public async Task<EmbeddingReply> CallAsync(string?[] texts, int? dimensions, string? modelId, bool retryQueueFull, CancellationToken cancellationToken)
    {
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = new List<Task<EmbeddingReply>>();
        Exception? lastFailure = null;
        var started = 0;
        var startNext = true;
        var deadline = DateTime.UtcNow;
        try
        {
            while (true)
            {
                if (startNext && started < options.MaxAttempts)
                {
                    if (lastFailure is not null)
                    {
                        await Task.Delay(Backoff(started), cancellationToken).ConfigureAwait(false);
                    }

                    started++;
                    if (started > 1)
                    {
                        Interlocked.Increment(ref _retries);
                    }

                    BeforeTry?.Invoke(texts, started);
                    running.Add(TryOnce(texts, dimensions, modelId, abandon.Token));
                    deadline = DateTime.UtcNow + options.RequestTimeout;
                }

                startNext = false;
                if (running.Count == 0)
                {
                    ExceptionDispatchInfo.Throw(lastFailure!);
                }

                var remaining = deadline - DateTime.UtcNow;
                var timer = Task.Delay(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, abandon.Token);
                var finished = await Task.WhenAny([.. running, timer]).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (finished == timer)
                {
                    if (started == options.MaxAttempts)
                    {
                        throw new TimeoutException(
                            $"No silo answered a call of {texts.Length} texts within {options.MaxAttempts} tries of " +
                            $"{options.RequestTimeout} each (BertEmbeddingClusterOptions.RequestTimeout, MaxAttempts)" +
                            (lastFailure is null ? "." : $"; the last failure: {lastFailure.Message}"), lastFailure);
                    }

                    startNext = true;
                    continue;
                }

                var attempt = (Task<EmbeddingReply>)finished;
                running.Remove(attempt);
                var failure = Failure(attempt);
                if (failure is null)
                {
                    AfterAnswer?.Invoke(attempt.Result);
                    return attempt.Result;
                }

                if (!IsTransient(failure, attempt.IsCompletedSuccessfully, retryQueueFull))
                {
                    ExceptionDispatchInfo.Throw(failure);
                }

                lastFailure = failure;
                startNext = true;
            }
        }
        finally
        {
            await abandon.CancelAsync().ConfigureAwait(false);
            foreach (var other in running)
            {
                _ = other.ContinueWith(CountDuplicate, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Whether another try could succeed where this one failed.</summary>
    /// <param name="failure">How the try failed.</param>
    /// <param name="fromSilo">Whether a silo's generator raised it (a fault in the answer) rather than the client or Orleans.</param>
    /// <param name="retryQueueFull">Whether a full queue is worth another try.</param>
    internal static bool IsTransient(Exception failure, bool fromSilo, bool retryQueueFull) => failure switch
    {
        EmbeddingQueueFullException => retryQueueFull,
        ObjectDisposedException => fromSilo,            // the silo's generator: that silo is shutting down
        SiloUnavailableException or ConnectionFailedException or OrleansMessageRejectionException or GatewayTooBusyException => !fromSilo,
        TimeoutException => !fromSilo,                  // Orleans' own response timeout
        _ => false,
    };

    private static TimeSpan Backoff(int triesSoFar)
    {
        var wait = FirstBackoff * Math.Pow(2, Math.Max(0, triesSoFar - 1));
        return wait < LongestBackoff ? wait : LongestBackoff;
    }

    /// <summary>The exception a finished try ended with (a silo's fault rebuilt), or <see langword="null"/> for an answer.</summary>
    private static Exception? Failure(Task<EmbeddingReply> attempt) => attempt.Status switch
    {
        TaskStatus.RanToCompletion => attempt.Result.Fault?.ToException(),
        TaskStatus.Canceled => new OperationCanceledException("A try was cancelled by the cluster."),
        _ => attempt.Exception!.InnerException ?? attempt.Exception,
    };

    private Task<EmbeddingReply> TryOnce(string?[] texts, int? dimensions, string? modelId, CancellationToken cancellationToken) =>
        client.GetGrain<IEmbeddingGrain>(Random.Shared.NextInt64()).Embed(texts, dimensions, modelId, cancellationToken);

    /// <summary>Counts a late answer of a call already answered (and observes a late failure, which nobody awaits).</summary>
    private void CountDuplicate(Task<EmbeddingReply> late)
    {
        if (late.IsCompletedSuccessfully && late.Result.Fault is null)
        {
            Interlocked.Increment(ref _duplicates);
        }
        else
        {
            _ = late.Exception;
        }
    }
}

using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace MLNet.Gelu.Bert;

/// <summary>
/// The request coalescer behind a <see cref="BertEmbeddingGenerator"/>: a bounded queue of requests and one scoring
/// loop. Whenever the model is free the loop takes what is waiting (up to <see cref="BertEmbeddingGeneratorOptions.WindowSize"/>
/// texts, first come first taken, from as many requests as that covers), tokenizes it into one window of rows, lets a
/// <see cref="BertBatcher"/> sort it and cut it into the cheapest batches under the token budget (padding against runs,
/// <see cref="RunCostTokens"/>), and hands each request its own vectors. It owns the scorer and disposes it when the loop ends.
/// </summary>
/// <remarks>
/// <para>Queue: a request is admitted whole when its texts fit beside those already queued (or nothing is queued);
/// admission is first come first served, so a large waiting request is not overtaken. A request with more texts than one
/// window is scored over several rounds, going to the back of the queue after each (behind the requests that arrived
/// meanwhile), so the requests behind it take turns.</para>
/// <para>Failures: when a round's model work throws, each request of the round is scored alone once more; one that fails
/// alone gets that exception (the whole request fails), the others succeed. A round of one request fails at once.</para>
/// <para>Closing fails what is queued or waiting with <see cref="ObjectDisposedException"/>, lets the running round
/// finish, then ends the loop, which disposes the scorer.</para>
/// <para>Logging (<see cref="BertLog"/>, never under the lock): a rejected request, a failed run and its retry alone, a
/// request failed by its run, the requests failed by closing, and a loop that stopped on an unexpected error. Metrics and
/// spans: <see cref="EmbeddingTelemetry"/>. Both are reported before the caller sees the outcome they concern.</para>
/// </remarks>
internal sealed partial class EmbeddingCoalescer
{
    private readonly Lock _lock = new();
    private readonly LinkedList<EmbeddingRequest> _waiting = new();
    private readonly LinkedList<EmbeddingRequest> _queue = new();
    private readonly LinkedList<EmbeddingRequest> _continuing = new();
    private readonly List<Slice> _round = [];
    private readonly List<string?> _runTexts = [];
    /// <summary>The round's tokenized rows, reused; replaced after a round that grew it past <see cref="_retainedTokens"/>.</summary>
    private BertTokenizedRows _rows = new();
    /// <summary>
    /// The batches' fixed cost in padded tokens (<see cref="BertBatchingOptions.RunCostTokens"/>): a round holds the few
    /// texts that arrived together, which filled batches would pad by about half. Measured with MiniLM on 2 cores
    /// (<c>--serving</c>): windows of 8 to 128 random UCI sentences ran 1.1 to 1.3 times faster than in filled batches
    /// with 24 to 64; 24 and 48 did best with 8, 64 and 256 callers, 96 less well.
    /// </summary>
    internal const int RunCostTokens = 32;

    private readonly BertScorer _scorer;
    private readonly BertBatcher _batcher;
    private readonly BertEmbeddingGeneratorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly EmbeddingTelemetry _telemetry;
    private readonly int _dimension;

    /// <summary>The most tokens the reused rows keep between rounds: a window of texts at the token limit, or a new
    /// instance's capacity if larger (a chunked long text may need more for one round; that buffer is dropped after it).</summary>
    private readonly long _retainedTokens;

    /// <summary>The most sequences the reused rows keep between rounds (four chunks per text of a window, or a new instance's).</summary>
    private readonly int _retainedSequences;
    private readonly Task _loop;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? _delayTimer;
    private int _queuedTexts;
    private bool _closed;
    private Exception? _loopFault;
    private volatile int _loopThread;
    private long _rounds;
    private long _modelRuns;
    private long _textsScored;
    private int _largestRun;

    public EmbeddingCoalescer(BertScorer scorer, BertEmbeddingGeneratorOptions options, TimeProvider time, ILogger logger, EmbeddingTelemetry telemetry)
    {
        _scorer = scorer;
        _batcher = new BertBatcher(scorer.Session, options.BatchingOptions() with { RunCostTokens = RunCostTokens });
        _options = options;
        _time = time;
        _logger = logger;
        _telemetry = telemetry;
        _dimension = scorer.Session.Dimension;
        _retainedTokens = Math.Max(BertTokenizedRows.InitialTokenCapacity, (long)options.WindowSize * scorer.Model.Settings.MaxTokens);
        _retainedSequences = Math.Max(BertTokenizedRows.InitialSequenceCapacity, 4 * options.WindowSize);
        ModelId = scorer.Model.Name;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>What each <see cref="Embedding{T}"/> names as its model.</summary>
    public string ModelId { get; }

    /// <summary>Test seam: called on the scoring loop with the texts of each model run (a round, or a retry alone) just
    /// before the model runs; it may block (to hold the loop) or throw (as a failing model would).</summary>
    public Action<IReadOnlyList<string?>>? BeforeModelRun { get; set; }

    /// <summary>Scoring rounds taken from the queue.</summary>
    public long Rounds => Interlocked.Read(ref _rounds);

    /// <summary>Model runs started (<see cref="BertBatcher.Score"/> calls): one per round, plus one per retry alone.</summary>
    public long ModelRuns => Interlocked.Read(ref _modelRuns);

    /// <summary>Texts given to the model, retries included.</summary>
    public long TextsScored => Interlocked.Read(ref _textsScored);

    /// <summary>The most texts one model run held.</summary>
    public int LargestRun => Volatile.Read(ref _largestRun);

    /// <summary>The token capacity the loop keeps between rounds (tests check it stays within <see cref="RetainedTokenLimit"/>).</summary>
    public int RetainedTokenCapacity => Volatile.Read(ref _rows).TokenCapacity;

    /// <summary>The most tokens the loop keeps between rounds.</summary>
    public long RetainedTokenLimit => _retainedTokens;

    /// <summary>Texts admitted and not yet taken into a round (those of a request being scored window by window included).</summary>
    public int QueuedTexts
    {
        get
        {
            lock (_lock)
            {
                return _queuedTexts;
            }
        }
    }

    /// <summary>Requests waiting for room in the queue.</summary>
    public int WaitingRequests
    {
        get
        {
            lock (_lock)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Queues a request; the task completes with its embeddings in input order.</summary>
    /// <exception cref="ObjectDisposedException">The generator is disposed.</exception>
    /// <exception cref="EmbeddingQueueFullException">The queue is full and the mode is <see cref="QueueFullMode.Reject"/>.</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> Submit(string?[] texts, CancellationToken cancellationToken)
    {
        if (texts.Length == 0)
        {
            lock (_lock)
            {
                ThrowIfClosed();
            }

            _telemetry.RequestReceived();
            _telemetry.RequestEnded(TimeSpan.Zero, error: null);
            return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>() { Usage = new UsageDetails { InputTokenCount = 0, TotalTokenCount = 0 } });
        }

        var request = new EmbeddingRequest(texts, _dimension)
        {
            ReceivedAt = _time.GetTimestamp(),
            Caller = EmbeddingTelemetry.Tracing ? Activity.Current?.Context ?? default : default,
        };
        if (cancellationToken.CanBeCanceled)
        {
            // Registered before the request is queued: a token cancelled meanwhile finishes the request, and the lock
            // below sees it finished.
            request.Cancellation = cancellationToken.UnsafeRegister(
                static (state, token) =>
                {
                    var (owner, r) = ((EmbeddingCoalescer, EmbeddingRequest))state!;
                    owner.Cancel(r, token);
                },
                (this, request));
        }

        int? rejectedBeside = null;
        lock (_lock)
        {
            if (_closed)
            {
                _ = request.TryClaim();
                request.Cancellation.Unregister();
                ThrowIfClosed();
            }

            _telemetry.RequestReceived();
            if (request.IsFinished)
            {
                return request.Completion.Task;
            }

            if (_waiting.Count == 0 && Fits(texts.Length))
            {
                Enqueue(request);
            }
            else if (_options.QueueFullMode == QueueFullMode.Reject)
            {
                // Claimed, so that a cancellation racing the rejection ends nothing (the caller gets the exception).
                _ = request.TryClaim();
                request.Cancellation.Unregister();
                rejectedBeside = _queuedTexts;
            }
            else
            {
                _waiting.AddLast(request.Node);
            }
        }

        if (rejectedBeside is { } queued)
        {
            _telemetry.RequestRejected();
            BertLog.RequestRejected(_logger, ModelId, texts.Length, queued, _options.MaxQueuedTexts);
            throw new EmbeddingQueueFullException(texts.Length, queued, _options.MaxQueuedTexts);
        }

        return request.Completion.Task;
    }

    /// <summary>Stops admitting, fails what is queued or waiting with <see cref="ObjectDisposedException"/> and wakes the
    /// loop, which ends after the running round. Returns the loop, whose end the caller may wait for.</summary>
    public Task Close()
    {
        List<EmbeddingRequest> dropped;
        lock (_lock)
        {
            if (_closed)
            {
                return _loop;
            }

            _closed = true;
            dropped = [.. _waiting, .. _queue, .. _continuing];
            _waiting.Clear();
            _queue.Clear();
            _continuing.Clear();
            AddQueued(-_queuedTexts);
            foreach (var request in dropped)
            {
                request.Next = request.Texts.Length;
            }

            _wake.TrySetResult();
        }

        int failed = 0, texts = 0;
        foreach (var request in dropped)
        {
            if (Finish(request, new ObjectDisposedException(nameof(BertEmbeddingGenerator), "The embedding generator was disposed before this request was scored.")))
            {
                failed++;
                texts += request.Texts.Length;
            }
        }

        if (failed > 0)
        {
            BertLog.RequestsFailedByDispose(_logger, ModelId, failed, texts);
        }

        return _loop;
    }

    /// <summary>Closes and waits for the running round and the scorer's disposal, except on the loop itself (a callback
    /// that disposes the generator), where the loop finishes on its own.</summary>
    public void CloseAndWait()
    {
        var loop = Close();
        if (_loopThread != Environment.CurrentManagedThreadId)
        {
            loop.GetAwaiter().GetResult();
        }
    }

    private void ThrowIfClosed()
    {
        if (_loopFault is not null)
        {
            throw new InvalidOperationException("The embedding generator's scoring loop stopped on an unexpected error; dispose it and create another.", _loopFault);
        }

        ObjectDisposedException.ThrowIf(_closed, typeof(BertEmbeddingGenerator));
    }

    /// <summary>Room for a request: it fits beside the queued texts, or nothing is queued (so any request can run).</summary>
    private bool Fits(int texts) => _queuedTexts == 0 || (long)_queuedTexts + texts <= _options.MaxQueuedTexts;

    private void Enqueue(EmbeddingRequest request)
    {
        request.QueuedAt = _time.GetTimestamp();
        _queue.AddLast(request.Node);
        AddQueued(request.Remaining);
        _wake.TrySetResult();
    }

    /// <summary>Changes the count of queued texts, and the queue-length metric with it. Under the lock.</summary>
    private void AddQueued(int texts)
    {
        _queuedTexts += texts;
        _telemetry.Queued(texts);
    }

    /// <summary>Admits waiting requests, oldest first, while they fit.</summary>
    private void AdmitWaiting()
    {
        while (!_closed && _waiting.First is { } node && Fits(node.Value.Texts.Length))
        {
            _waiting.RemoveFirst();
            Enqueue(node.Value);
        }
    }

    /// <summary>Takes a request out of the waiting list or queue; nothing of it is scored afterwards.</summary>
    private void Withdraw(EmbeddingRequest request)
    {
        var list = request.Node.List;
        if (list == _queue || list == _continuing)
        {
            AddQueued(-request.Remaining);
        }

        list?.Remove(request.Node);
        request.Next = request.Texts.Length;
        if (list is not null)
        {
            AdmitWaiting();
        }
    }

    private void Cancel(EmbeddingRequest request, CancellationToken token)
    {
        lock (_lock)
        {
            if (!request.TryClaim())
            {
                return;
            }

            Withdraw(request);
            _telemetry.RequestEnded(_time.GetElapsedTime(request.ReceivedAt), typeof(OperationCanceledException));
            request.Completion.SetCanceled(token);
        }
    }

    /// <summary>Fails a request whose model run failed (alone, or in a run it had to itself), and logs it.</summary>
    private void Fail(EmbeddingRequest request, Exception error)
    {
        lock (_lock)
        {
            Withdraw(request);
        }

        if (request.TryClaim())
        {
            BertLog.RequestFailed(_logger, error, ModelId, request.Texts.Length);
            Settle(request, error);
        }
    }

    /// <summary>Fails a request unless it finished already; says whether this call failed it.</summary>
    private bool Finish(EmbeddingRequest request, Exception error)
    {
        if (!request.TryClaim())
        {
            return false;
        }

        Settle(request, error);
        return true;
    }

    /// <summary>Completes a claimed request with an error.</summary>
    private void Settle(EmbeddingRequest request, Exception error)
    {
        _telemetry.RequestEnded(_time.GetElapsedTime(request.ReceivedAt), error.GetType());
        request.Completion.SetException(error);
        request.Cancellation.Unregister();
    }
}

using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.AI;

namespace MLNet.Gelu.Bert;

/// <summary>The scoring loop of the coalescer: wait, take a round, score it (retrying requests alone when it fails), complete.</summary>
internal sealed partial class EmbeddingCoalescer
{
    private async Task RunAsync()
    {
        // The loop serves every caller: its spans are roots (linked to the callers'), not children of whoever created it.
        Activity.Current = null;
        try
        {
            while (true)
            {
                Task? wait;
                lock (_lock)
                {
                    wait = NextWait();
                    if (wait is null)
                    {
                        if (_queue.Count == 0)
                        {
                            return;
                        }

                        TakeRound();
                    }
                }

                if (wait is not null)
                {
                    await wait.ConfigureAwait(false);
                    continue;
                }

                ScoreRound();
            }
        }
        catch (Exception e)
        {
            // Not expected (every model error is caught per request): stop serving, and say why to everyone waiting.
            StopOnFault(e);
        }
        finally
        {
            lock (_lock)
            {
                _delayTimer?.Dispose();
            }

            _scorer.Dispose();
        }
    }

    /// <summary>What the loop waits for before the next round, or <see langword="null"/> to take one now (or to end:
    /// closed and nothing queued). Under the lock.</summary>
    private Task? NextWait()
    {
        if (_queue.Count == 0)
        {
            if (_closed)
            {
                return null;
            }

            _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _wake.Task;
        }

        if (_options.MaxQueueDelay <= TimeSpan.Zero || _closed || _queuedTexts >= _options.WindowSize)
        {
            return null;
        }

        var oldest = long.MaxValue;
        foreach (var request in _queue)
        {
            oldest = Math.Min(oldest, request.QueuedAt);
        }

        var remaining = _options.MaxQueueDelay - _time.GetElapsedTime(oldest);
        if (remaining <= TimeSpan.Zero)
        {
            return null;
        }

        // The timer wakes the loop like an arrival does (so the round never runs on the timer's thread); arrivals
        // meanwhile wake it to check whether the window is full, and re-arm the timer.
        _delayTimer ??= _time.CreateTimer(static state => ((EmbeddingCoalescer)state!).WakeUp(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _delayTimer.Change(remaining, Timeout.InfiniteTimeSpan);
        _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _wake.Task;
    }

    /// <summary>Takes up to one window of texts, oldest request first; a request with texts left waits aside until the
    /// round ends, then goes to the back of the queue. Under the lock.</summary>
    private void TakeRound()
    {
        var taken = 0;
        while (taken < _options.WindowSize && _queue.First is { } node)
        {
            var request = node.Value;
            var count = Math.Min(request.Remaining, _options.WindowSize - taken);
            _round.Add(new Slice(request, request.Next, count));
            request.Next += count;
            taken += count;
            _queue.RemoveFirst();
            if (request.Remaining > 0)
            {
                _continuing.AddLast(node);
            }
        }

        AddQueued(-taken);
        _rounds++;
        AdmitWaiting();
    }

    private void ScoreRound()
    {
        _loopThread = Environment.CurrentManagedThreadId;
        try
        {
            // Requests cancelled since they were taken cost no model work.
            _round.RemoveAll(s => s.Request.IsFinished);
            var round = CollectionsMarshal.AsSpan(_round);
            if (round.IsEmpty)
            {
                return;
            }

            try
            {
                Score(round, retry: false);
            }
            catch (Exception e) when (round.Length > 1)
            {
                var texts = 0;
                foreach (var slice in round)
                {
                    texts += slice.Count;
                }

                BertLog.BatchFailed(_logger, e, ModelId, texts, round.Length);
                for (var i = 0; i < round.Length; i++)
                {
                    if (round[i].Request.IsFinished)
                    {
                        continue;
                    }

                    try
                    {
                        Score(round.Slice(i, 1), retry: true);
                    }
                    catch (Exception alone)
                    {
                        Fail(round[i].Request, alone);
                    }
                }
            }
            catch (Exception e)
            {
                Fail(round[0].Request, e);
            }
        }
        finally
        {
            _round.Clear();
            _loopThread = 0;
            lock (_lock)
            {
                while (_continuing.First is { } node)
                {
                    _continuing.RemoveFirst();
                    _queue.AddLast(node);
                }
            }
        }
    }

    /// <summary>Tokenizes the slices into one window of rows, scores it, and writes each request's vectors; completes the
    /// requests whose last texts these were. Throws (writing nothing) when tokenizing or the model fails. The run is
    /// measured and traced (one span) before any request completes.</summary>
    private void Score(ReadOnlySpan<Slice> slices, bool retry)
    {
        _rows.Clear();
        _runTexts.Clear();
        foreach (var slice in slices)
        {
            for (var i = slice.Start; i < slice.Start + slice.Count; i++)
            {
                _scorer.Tokenizer.Tokenize(slice.Request.Texts[i], null, _rows);
                _runTexts.Add(slice.Request.Texts[i]);
            }
        }

        var rows = _rows.RowCount;
        var output = ArrayPool<float>.Shared.Rent(rows * _dimension);
        var tokens = ArrayPool<int>.Shared.Rent(rows);
        try
        {
            tokens.AsSpan(0, rows).Clear();
            long allTokens = 0;
            for (var s = 0; s < _rows.SequenceCount; s++)
            {
                tokens[_rows.RowOf(s)] += _rows.Length(s);
                allTokens += _rows.Length(s);
            }

            Interlocked.Increment(ref _modelRuns);
            Interlocked.Add(ref _textsScored, rows);
            Volatile.Write(ref _largestRun, Math.Max(_largestRun, rows));
            var activity = _telemetry.StartBatch(rows, allTokens, slices.Length, retry, EmbeddingTelemetry.Tracing ? Links(slices) : null);
            try
            {
                BeforeModelRun?.Invoke(_runTexts);
                _telemetry.BatchScored(activity, rows, _batcher.Score(_rows, output));
            }
            catch (Exception e)
            {
                EmbeddingTelemetry.BatchFailed(activity, e);
                throw;
            }

            var row = 0;
            foreach (var slice in slices)
            {
                var request = slice.Request;
                output.AsSpan(row * _dimension, slice.Count * _dimension).CopyTo(request.Vectors.AsSpan(slice.Start * _dimension));
                for (var i = 0; i < slice.Count; i++)
                {
                    request.Tokens += tokens[row + i];
                }

                row += slice.Count;
                request.Written += slice.Count;
                if (request.Written == request.Texts.Length)
                {
                    Complete(request);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(output);
            ArrayPool<int>.Shared.Return(tokens);
            if (_rows.TokenCapacity > _retainedTokens || _rows.SequenceCapacity > _retainedSequences)
            {
                // Memory follows the configuration, not the longest text ever chunked.
                Volatile.Write(ref _rows, new BertTokenizedRows());
            }
        }
    }

    /// <summary>The callers' spans a run's span links to (each once).</summary>
    private static List<ActivityLink>? Links(ReadOnlySpan<Slice> slices)
    {
        List<ActivityLink>? links = null;
        foreach (var slice in slices)
        {
            var caller = slice.Request.Caller;
            if (caller != default && (links is null || !links.Exists(l => l.Context == caller)))
            {
                (links ??= []).Add(new ActivityLink(caller));
            }
        }

        return links;
    }

    private void Complete(EmbeddingRequest request)
    {
        if (!request.TryClaim())
        {
            return;
        }

        var createdAt = _time.GetUtcNow();
        var result = new GeneratedEmbeddings<Embedding<float>>(request.Texts.Length)
        {
            Usage = new UsageDetails { InputTokenCount = request.Tokens, TotalTokenCount = request.Tokens },
        };
        for (var i = 0; i < request.Texts.Length; i++)
        {
            result.Add(new Embedding<float>(request.Vectors.AsMemory(i * _dimension, _dimension)) { ModelId = ModelId, CreatedAt = createdAt });
        }

        _telemetry.RequestEnded(_time.GetElapsedTime(request.ReceivedAt), error: null);
        request.Completion.SetResult(result);
        request.Cancellation.Unregister();
    }

    private void WakeUp()
    {
        lock (_lock)
        {
            _wake.TrySetResult();
        }
    }

    private void StopOnFault(Exception fault)
    {
        List<EmbeddingRequest> dropped;
        lock (_lock)
        {
            _loopFault = fault;
            _closed = true;
            dropped = [.. _waiting, .. _queue, .. _continuing, .. _round.Select(s => s.Request)];
            _waiting.Clear();
            _queue.Clear();
            _continuing.Clear();
            AddQueued(-_queuedTexts);
        }

        BertLog.ScoringLoopStopped(_logger, fault, ModelId, dropped.Count);
        foreach (var request in dropped)
        {
            Finish(request, new InvalidOperationException("The embedding generator's scoring loop stopped on an unexpected error.", fault));
        }
    }

    /// <summary>Texts <c>[Start, Start + Count)</c> of a request, taken into the running round.</summary>
    private readonly record struct Slice(EmbeddingRequest Request, int Start, int Count);
}

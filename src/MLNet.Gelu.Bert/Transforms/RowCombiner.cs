using System.Runtime.ExceptionServices;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Lets the prediction engines of one <see cref="BertScoringTransformer"/> share model runs, by flat combining on the
/// callers' own threads (no thread or task of its own, so callers on thread-pool threads never wait for the pool).
/// Each caller tokenizes its row on its own thread into its <see cref="RowRequest"/> and queues it. A caller that finds
/// nobody scoring becomes the leader: it takes what is queued (oldest first, at most <see cref="MaxRows"/>), merges
/// the rows into one window, scores it with a <see cref="BertBatcher"/> that sorts by length and cuts the cheapest
/// batches (<see cref="EmbeddingCoalescer.RunCostTokens"/>, as the generator does, since a round holds few rows),
/// writes each request's vector and wakes its caller. It repeats until its own row is done, then hands leadership to
/// the oldest queued caller (which wakes and leads) or, with nothing queued, gives it up. Waiters block on their
/// request's <see cref="ManualResetEventSlim"/> (a short spin, then a kernel wait).
/// </summary>
/// <remarks>
/// <para>A lone caller takes only its own row and scores it at once with the transformer's batcher, exactly as a batch of
/// one was scored before: it never waits for anybody and nobody hands it anything.</para>
/// <para>Failures: when a merged round's model work throws, each of its rows is scored alone once more; a row that fails
/// alone gets that exception (thrown to its caller), the others get their vectors. A round of one row fails at once.
/// After <see cref="BertScoringTransformer.Dispose"/>, every run refuses with <see cref="ObjectDisposedException"/> naming
/// the transformer, so every queued caller gets one (each its own, from its retry alone). Scoring catches every
/// exception into the requests, and the leader hands leadership on in a <see langword="finally"/>, so nobody is left
/// waiting.</para>
/// </remarks>
internal sealed class RowCombiner
{
    private readonly Lock _lock = new();
    private readonly Queue<RowRequest> _queue = new();
    private readonly BertBatcher _alone;
    private readonly BertBatcher _merging;
    private readonly BertTokenizedRows _rows = new();
    private readonly RowRequest?[] _round;
    private readonly int _dimension;
    private float[] _output = [];
    private bool _leading;
    private long _rounds;
    private long _rowsScored;
    private long _waits;
    private int _largestRound;

    /// <summary>Creates the combiner of a transformer.</summary>
    /// <param name="scorer">The transformer's scorer: its batcher scores lone rows, its session the merged ones.</param>
    /// <param name="maxRows">The most rows a leader takes in one round (the transformer's window size).</param>
    public RowCombiner(BertScorer scorer, int maxRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        _alone = scorer.Batcher;
        _merging = new BertBatcher(scorer.Session, scorer.Batcher.Options with { RunCostTokens = EmbeddingCoalescer.RunCostTokens });
        _round = new RowRequest?[maxRows];
        _dimension = scorer.Session.Dimension;
    }

    /// <summary>The most rows one round takes.</summary>
    public int MaxRows => _round.Length;

    /// <summary>Rounds taken by leaders: one <see cref="BertBatcher.Score"/> call each, plus one per row when a shared round is retried alone.</summary>
    public long Rounds => Interlocked.Read(ref _rounds);

    /// <summary>Rows taken into rounds.</summary>
    public long RowsScored => Interlocked.Read(ref _rowsScored);

    /// <summary>Calls that blocked waiting for a leader (a lone caller never does).</summary>
    public long Waits => Interlocked.Read(ref _waits);

    /// <summary>The most rows one round held.</summary>
    public int LargestRound => Volatile.Read(ref _largestRound);

    /// <summary>Rows queued and not yet taken by a leader.</summary>
    public int Queued
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>
    /// Scores the one row in <paramref name="request"/>'s <see cref="RowRequest.Rows"/> into its <see cref="RowRequest.Vector"/>,
    /// together with the rows other threads queue meanwhile. Returns when the vector is written.
    /// </summary>
    /// <param name="request">The caller's request, tokenized; not shared with another thread while this runs.</param>
    /// <exception cref="ObjectDisposedException">The transformer was disposed before the row's run entered ONNX Runtime.</exception>
    /// <exception cref="Exception">Whatever the model run threw when the row was scored alone.</exception>
    public void Score(RowRequest request)
    {
        request.Reset();
        bool lead;
        lock (_lock)
        {
            _queue.Enqueue(request);
            lead = !_leading;
            _leading = true;
        }

        if (!lead)
        {
            Interlocked.Increment(ref _waits);
            request.Signal.Wait();
            lead = request.Promoted;
        }

        if (lead)
        {
            Lead(request);
        }

        if (request.Error is { } error)
        {
            ExceptionDispatchInfo.Throw(error);
        }
    }

    /// <summary>Scores rounds until <paramref name="self"/> is done, then hands leadership on (always, even on an unexpected exception).</summary>
    private void Lead(RowRequest self)
    {
        try
        {
            while (!self.Done)
            {
                var count = Take();
                try
                {
                    ScoreRound(count);
                }
                finally
                {
                    Complete(count, self);
                }
            }
        }
        finally
        {
            HandOver();
        }
    }

    /// <summary>Moves up to <see cref="MaxRows"/> queued requests, oldest first, into the round; returns how many.</summary>
    private int Take()
    {
        var count = 0;
        lock (_lock)
        {
            while (count < _round.Length && _queue.TryDequeue(out var request))
            {
                _round[count++] = request;
            }
        }

        Interlocked.Increment(ref _rounds);
        Interlocked.Add(ref _rowsScored, count);
        if (count > Volatile.Read(ref _largestRound))
        {
            Volatile.Write(ref _largestRound, count);
        }

        return count;
    }

    /// <summary>Scores the round: merged when it holds several rows, each alone again when that fails. Never throws:
    /// every failure lands in the requests' <see cref="RowRequest.Error"/>.</summary>
    private void ScoreRound(int count)
    {
        if (count > 1)
        {
            try
            {
                _rows.Clear();
                for (var i = 0; i < count; i++)
                {
                    _rows.Append(_round[i]!.Rows);
                }

                if (_output.Length < count * _dimension)
                {
                    _output = new float[Math.Max(count * _dimension, _output.Length * 2)];
                }

                _merging.Score(_rows, _output);
                for (var i = 0; i < count; i++)
                {
                    _output.AsSpan(i * _dimension, _dimension).CopyTo(_round[i]!.Vector);
                }

                return;
            }
            catch (Exception)
            {
                // Retried below, each alone: only a row that fails alone fails.
            }
        }

        for (var i = 0; i < count; i++)
        {
            var request = _round[i]!;
            try
            {
                _alone.Score(request.Rows, request.Vector);
            }
            catch (Exception e)
            {
                request.Error = e;
            }
        }
    }

    /// <summary>Marks the round's requests done and wakes their callers (the leader's own is marked, not woken).</summary>
    private void Complete(int count, RowRequest self)
    {
        for (var i = 0; i < count; i++)
        {
            var request = _round[i]!;
            _round[i] = null;
            request.Done = true;
            if (request != self)
            {
                request.Signal.Set();
            }
        }
    }

    /// <summary>Promotes the oldest queued caller to leader, or gives leadership up when nothing is queued.</summary>
    private void HandOver()
    {
        RowRequest? next;
        lock (_lock)
        {
            if (!_queue.TryPeek(out next))
            {
                _leading = false;
                return;
            }
        }

        // Still the leader until the promoted caller runs: nobody else takes from the queue meanwhile.
        next.Promoted = true;
        next.Signal.Set();
    }
}

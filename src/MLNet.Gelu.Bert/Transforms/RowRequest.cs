namespace MLNet.Gelu.Bert;

/// <summary>
/// One prediction engine's row for the <see cref="RowCombiner"/>: its tokenized row, the vector a leader writes, and the
/// event its caller waits on. Reused by every <c>Predict</c> of that engine (one getter, one thread at a time), so
/// queuing a row allocates nothing.
/// </summary>
internal sealed class RowRequest
{
    /// <summary>Creates a request for vectors of <paramref name="dimension"/> floats.</summary>
    /// <param name="dimension">The embedding size.</param>
    public RowRequest(int dimension) => Vector = new float[dimension];

    /// <summary>The row to score (exactly one), tokenized by the caller before it queues the request.</summary>
    public BertTokenizedRows Rows { get; } = new();

    /// <summary>The row's embedding once <see cref="Done"/> without <see cref="Error"/>.</summary>
    public float[] Vector { get; }

    /// <summary>Set once: when the row is done (not for the leader's own row), or when its caller is promoted to leader.</summary>
    internal ManualResetEventSlim Signal { get; } = new(false);

    /// <summary>Whether a leader scored the row (with or without <see cref="Error"/>); written before <see cref="Signal"/> is set.</summary>
    internal bool Done { get; set; }

    /// <summary>Whether the caller was woken to lead; written before <see cref="Signal"/> is set.</summary>
    internal bool Promoted { get; set; }

    /// <summary>What scoring the row alone threw, if it failed.</summary>
    internal Exception? Error { get; set; }

    /// <summary>Readies the request for another row.</summary>
    internal void Reset()
    {
        Done = false;
        Promoted = false;
        Error = null;
        Signal.Reset();
    }
}

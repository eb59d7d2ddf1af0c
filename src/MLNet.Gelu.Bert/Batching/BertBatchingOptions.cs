namespace MLNet.Gelu.Bert;

/// <summary>How tokenized rows are cut into model runs.</summary>
internal sealed record BertBatchingOptions
{
    /// <summary>
    /// The tokens a window of rows holds before it is sorted and cut into runs (ScoreBert's <c>WindowTokens</c> default, and
    /// <see cref="BertEmbedder"/>'s windows): 32 runs at the default budget, enough that sorting pads little.
    /// </summary>
    internal const int DefaultWindowTokens = 32_768;

    /// <summary>The most rows one such window holds (ScoreBert's <c>WindowSize</c> default), bounding a window of very short texts.</summary>
    internal const int DefaultWindowRows = 2_048;

    /// <summary>
    /// The fixed cost of one model run in padded tokens for cutting a window into runs (<see cref="RunCostTokens"/>) in
    /// <see cref="BertEmbedder"/> and ScoreBert: all-MiniLM-L6-v2 on 2 CPU threads ran 64-token batches at about 1.5× the
    /// time per token of 1,024-token batches, i.e. about 48 tokens more per run.
    /// </summary>
    internal const int DefaultRunCostTokens = 48;

    /// <summary>
    /// The most tokens one run may hold, padding included: rows × the batch's longest row ≤ this. Rows are sorted by
    /// length first, so short rows share batches and little is padded. A single row longer than this runs alone.
    /// Default 1024, which suits CPUs (larger batches spill the caches; docs/benchmarks.md has the measurements); raise
    /// it for GPUs.
    /// </summary>
    public int TokenBudget { get; init; } = 1024;

    /// <summary>The most rows in one run. Default 256.</summary>
    public int MaxBatchSize { get; init; } = 256;

    /// <summary>
    /// When above 0, batches are not filled up to the budget but cut where padded tokens plus this many tokens per run
    /// (a run's fixed cost) are least, so the short rows of a small window do not pad up to its longest. 0 (default) fills
    /// each batch. <see cref="BertEmbeddingGenerator"/> sets it: its windows are the few texts that arrived together, where
    /// filling pads about half of every batch.
    /// </summary>
    public int RunCostTokens { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(TokenBudget, 1, nameof(TokenBudget));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchSize, 1, nameof(MaxBatchSize));
        ArgumentOutOfRangeException.ThrowIfNegative(RunCostTokens, nameof(RunCostTokens));
    }
}

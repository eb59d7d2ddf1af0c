namespace MLNet.Gelu.Bert;

/// <summary>Where a bulk job stands, reported after each chunk is handed to the caller.</summary>
/// <param name="Rows">The rows handed to the caller so far (in input order).</param>
/// <param name="Chunks">The chunks handed to the caller so far.</param>
/// <param name="Retries">The tries beyond the first, over all chunks so far (a silo died, a try timed out, a queue was full).</param>
/// <param name="DuplicatesDropped">Answers that arrived for a chunk already answered (a timed-out try that finished after
/// all) and were dropped.</param>
public readonly record struct BulkEmbeddingProgress(long Rows, long Chunks, long Retries, long DuplicatesDropped);

namespace MLNet.Gelu.Bert;

/// <summary>
/// How a <see cref="BertEmbeddingClusterGenerator"/> talks to the cluster: how long a call may take, how often it is
/// tried, and how a bulk job is cut and windowed. Every property has a documented default that works without tuning
/// (chunks of 256 texts, 16 in flight, 3 tries of 30 seconds each).
/// </summary>
public sealed record BertEmbeddingClusterOptions
{
    /// <summary>
    /// How long one try of a call (a request, or a chunk of a bulk job) may take before the client tries again on another
    /// silo (the late answer, if any, is dropped: a chunk's rows appear once). After <see cref="MaxAttempts"/> tries without
    /// an answer the call fails with <see cref="TimeoutException"/>, so no call waits longer than
    /// <see cref="MaxAttempts"/> × this. Default 30 seconds; 1 millisecond to 1 hour.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many times a call is tried in all. A try is repeated on another silo when it times out, when its silo dies or
    /// cannot be reached, when the silo is shutting down, or (bulk jobs only) when the silo's queue rejects it; bad input
    /// and model failures are not retried. Default 3; at least 1.
    /// </summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The texts per chunk of a bulk job (<see cref="BertEmbeddingClusterGenerator.EmbedManyAsync(IEnumerable{string}, IProgress{BulkEmbeddingProgress}, CancellationToken)"/>):
    /// one grain call each. Default 256; at least 1.</summary>
    public int ChunkSize { get; init; } = 256;

    /// <summary>
    /// The most chunks of a bulk job on their way at once. It bounds the client's memory (at most this many chunks of
    /// texts and vectors are held). Chunks are placed on silos at random and handed back in input order, so a silo can idle
    /// while the oldest chunk waits behind others on another silo: with 2 chunks per silo the silos are about 85 % (2
    /// silos) to 66 % (8 silos) busy, with 8 per silo 95 % to 87 %; give about 8 per silo. Default 16 (2 silos); at least 1.
    /// </summary>
    public int MaxChunksInFlight { get; init; } = 16;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first property out of range.</summary>
    internal void Validate()
    {
        if (RequestTimeout < TimeSpan.FromMilliseconds(1) || RequestTimeout > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(RequestTimeout), RequestTimeout, "RequestTimeout must lie between 1 millisecond and 1 hour.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1, nameof(MaxAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(ChunkSize, 1, nameof(ChunkSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxChunksInFlight, 1, nameof(MaxChunksInFlight));
    }
}

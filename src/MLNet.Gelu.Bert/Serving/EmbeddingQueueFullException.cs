namespace MLNet.Gelu.Bert;

/// <summary>
/// A <see cref="BertEmbeddingGenerator"/> with <see cref="QueueFullMode.Reject"/> had no room for a request: the texts
/// already queued plus the request's would exceed <see cref="BertEmbeddingGeneratorOptions.MaxQueuedTexts"/>. Nothing of
/// the request was queued or scored; retrying later is safe. A server maps it to HTTP 429 (Too Many Requests).
/// </summary>
public sealed class EmbeddingQueueFullException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="requestedTexts">The texts of the rejected request.</param>
    /// <param name="queuedTexts">The texts waiting in the queue when it was rejected.</param>
    /// <param name="maxQueuedTexts">The queue's limit.</param>
    public EmbeddingQueueFullException(int requestedTexts, int queuedTexts, int maxQueuedTexts)
        : base($"The embedding queue is full: {queuedTexts} texts are waiting, the limit is {maxQueuedTexts} " +
            $"(BertEmbeddingGeneratorOptions.MaxQueuedTexts), and this request brings {requestedTexts}. " +
            "Retry later, or use QueueFullMode.Wait to wait for room.")
    {
        RequestedTexts = requestedTexts;
        QueuedTexts = queuedTexts;
        MaxQueuedTexts = maxQueuedTexts;
    }

    /// <summary>The texts of the rejected request.</summary>
    public int RequestedTexts { get; }

    /// <summary>The texts waiting in the queue when the request was rejected.</summary>
    public int QueuedTexts { get; }

    /// <summary>The queue's limit (<see cref="BertEmbeddingGeneratorOptions.MaxQueuedTexts"/>).</summary>
    public int MaxQueuedTexts { get; }
}

namespace MLNet.Gelu.Bert;

/// <summary>What <see cref="BertEmbeddingGenerator.GenerateAsync"/> does when its request does not fit the queue
/// (<see cref="BertEmbeddingGeneratorOptions.MaxQueuedTexts"/>).</summary>
public enum QueueFullMode
{
    /// <summary>Wait, first come first admitted, until the queue has room (or the caller cancels). The default.</summary>
    Wait,

    /// <summary>Throw <see cref="EmbeddingQueueFullException"/> at once, so a server can answer "429 Too Many Requests".</summary>
    Reject,
}

namespace MLNet.Gelu.Bert;

/// <summary>
/// The grain a cluster client calls: embeds texts through the <see cref="BertEmbeddingGenerator"/> of the silo it is
/// activated on. Keyed by any integer: the client picks a fresh key per call so that each call is placed anew (see
/// <see cref="EmbeddingGrain"/>).
/// </summary>
internal interface IEmbeddingGrain : IGrainWithIntegerKey
{
    /// <summary>Embeds <paramref name="texts"/> (null entries as the empty text).</summary>
    /// <param name="texts">The texts, in order.</param>
    /// <param name="dimensions">The caller's <c>EmbeddingGenerationOptions.Dimensions</c>, checked by the silo's generator.</param>
    /// <param name="modelId">The caller's <c>EmbeddingGenerationOptions.ModelId</c>, checked by the silo's generator.</param>
    /// <param name="cancellationToken">Cancelled when the caller cancels (Orleans forwards it to the silo).</param>
    /// <returns>The vectors, or the fault the silo's generator raised (so the client rethrows the same exception type).</returns>
    /// <remarks>Orleans' own response timeout (30 s by default) is lifted to the longest
    /// <see cref="BertEmbeddingClusterOptions.RequestTimeout"/>: the client's timeout governs, and cancels the call when it gives up.</remarks>
    [ResponseTimeout("01:00:00")]
    Task<EmbeddingReply> Embed(string?[] texts, int? dimensions, string? modelId, CancellationToken cancellationToken);
}

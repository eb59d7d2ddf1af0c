using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Scores through the silo's own <see cref="BertEmbeddingGenerator"/> (registered by <c>AddBertEmbedding</c>), so that the
/// requests of every client that reach one silo share its scoring loop and are batched together.
/// </summary>
/// <remarks>
/// Placement: an ordinary grain, placed at random over the silos that host it and deactivated after each call; the client
/// calls it with a fresh random key each time, so every request (every chunk of a bulk job) is placed anew. That spreads a
/// client's load over all silos, lets a silo that joins take work at once, and never sends work to a silo the cluster has
/// declared dead. A <c>[StatelessWorker]</c> would not spread it: stateless workers activate on the silo that receives the
/// call, which for an external client is its gateway. Activation-count placement was tried and withdrawn: the placing
/// silo sees its own activations at once but the others' only when published, so sequential calls all stayed on the
/// gateway and a silo that joined got no work. The price of placing each call is one activation: small next to scoring.
/// Each call logs where it started (event 201, Debug), so operators and tests can see which silo holds it.
/// </remarks>
[RandomPlacement]
internal sealed class EmbeddingGrain(BertEmbeddingGenerator generator, ILogger<EmbeddingGrain> logger) : Grain, IEmbeddingGrain
{
    /// <inheritdoc/>
    public async Task<EmbeddingReply> Embed(string?[] texts, int? dimensions, string? modelId, CancellationToken cancellationToken)
    {
        DeactivateOnIdle();
        ClusterLog.EmbeddingCallStarted(logger, texts.Length, RuntimeIdentity);
        try
        {
            var options = dimensions is null && modelId is null ? null : new EmbeddingGenerationOptions { Dimensions = dimensions, ModelId = modelId };
            var embeddings = await generator.GenerateAsync(texts!, options, cancellationToken);
            return EmbeddingReply.From(embeddings, generator.Dimension, generator.Model.Name, RuntimeIdentity);
        }
        catch (Exception exception) when (EmbeddingFault.From(exception) is { } fault)
        {
            return new EmbeddingReply { Fault = fault, Silo = RuntimeIdentity };
        }
    }
}

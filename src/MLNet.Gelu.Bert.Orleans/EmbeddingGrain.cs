using Microsoft.Extensions.AI;
using Orleans.Placement;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Scores through the silo's own <see cref="BertEmbeddingGenerator"/> (registered by <c>AddBertEmbedding</c>), so that the
/// requests of every client that reach one silo share its scoring loop and are batched together.
/// </summary>
/// <remarks>
/// Placement: an ordinary grain, deactivated after each call, which the client calls with a fresh random key each time, so
/// every request (every chunk of a bulk job) is placed anew, on the silo with the fewest activations (Orleans'
/// activation-count placement: of two silos drawn at random, the less loaded; the placing silo counts its own recent
/// placements, so a burst does not pile onto one silo). As each activation lives for one call, that is the silo with the
/// fewest calls in flight: it spreads a client's load over all silos more evenly than random placement, lets a silo that
/// joins (no activations yet) take work at once, and never sends work to a silo the cluster has declared dead. A
/// <c>[StatelessWorker]</c> would not spread it: stateless workers activate on the silo that receives the call, which for
/// an external client is its gateway. The price is one activation per call: small next to scoring a request.
/// </remarks>
[ActivationCountBasedPlacement]
internal sealed class EmbeddingGrain(BertEmbeddingGenerator generator) : Grain, IEmbeddingGrain
{
    /// <inheritdoc/>
    public async Task<EmbeddingReply> Embed(string?[] texts, int? dimensions, string? modelId, CancellationToken cancellationToken)
    {
        DeactivateOnIdle();
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

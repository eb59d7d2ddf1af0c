using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Registers a <see cref="BertEmbeddingClusterGenerator"/>: <c>services.AddBertEmbeddingCluster()</c> in place of
/// <c>services.AddBertEmbeddingGenerator()</c> moves an app's embeddings from its own process to an Orleans cluster whose
/// silos call <c>AddBertEmbedding</c>; code that injects <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> does not change.
/// </summary>
/// <remarks>
/// The container must hold an <see cref="IClusterClient"/>: the app's client (<c>builder.UseOrleansClient(...)</c>, with
/// the cluster's membership provider) or, inside a silo, the silo's own. The generator is a singleton, registered as
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of <see cref="string"/> and <see cref="Embedding{T}"/> of
/// <see cref="float"/> (through the returned builder, with any middleware added to it) and as
/// <see cref="BertEmbeddingClusterGenerator"/> itself (for bulk jobs).
/// </remarks>
/// <example>
/// <code>
/// builder.UseOrleansClient(client => client.UseLocalhostClustering());
/// builder.Services.AddBertEmbeddingCluster();     // was: builder.Services.AddBertEmbeddingGenerator();
/// </code>
/// </example>
public static class BertEmbeddingClusterServiceCollectionExtensions
{
    /// <summary>Registers a generator over the container's cluster client.</summary>
    /// <param name="services">The container's services.</param>
    /// <param name="options">Timeouts, tries and bulk chunking; <see langword="null"/> for the defaults. Validated when the generator is first resolved.</param>
    /// <returns>Microsoft.Extensions.AI's builder of the registered <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddBertEmbeddingCluster(this IServiceCollection services, BertEmbeddingClusterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSerializer(serializer => serializer.AddAssembly(typeof(IEmbeddingGrain).Assembly));
        services.AddSingleton(provider => new BertEmbeddingClusterGenerator(provider.GetRequiredService<IClusterClient>(), options));
        return services.AddEmbeddingGenerator(provider => (IEmbeddingGenerator<string, Embedding<float>>)provider.GetRequiredService<BertEmbeddingClusterGenerator>());
    }
}

using Microsoft.Extensions.Configuration;
using Orleans.Hosting;
using Orleans.Serialization;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Hosts BERT embeddings on an Orleans silo: <c>siloBuilder.AddBertEmbedding(...)</c> registers the silo's own
/// <see cref="BertEmbeddingGenerator"/> (as <c>services.AddBertEmbeddingGenerator</c> does, with the same options and
/// model choices) and the grain that cluster clients (<c>services.AddBertEmbeddingCluster()</c>) call. Every silo of the
/// cluster that should score makes this call, with the same model.
/// </summary>
/// <remarks>
/// Each call a client makes is placed on a silo at random and scored by that silo's generator, so the requests of all
/// clients that land on one silo are batched together by its scoring loop. The generator is created on the first request
/// and disposed with the silo's container (requests still queued then fail with <see cref="ObjectDisposedException"/>,
/// which the client retries on another silo).
/// </remarks>
/// <example>
/// <code>
/// builder.UseOrleans(silo => silo
///     .UseLocalhostClustering()          // or UseRedisClustering(...), or your membership provider
///     .AddBertEmbedding(new BertEmbeddingGeneratorOptions { IntraOpThreads = 4 }));
/// </code>
/// </example>
public static class BertEmbeddingSiloBuilderExtensions
{
    /// <summary>Hosts a generator configured from code.</summary>
    /// <param name="builder">The silo's builder.</param>
    /// <param name="options">The generator's options; <see langword="null"/> for the defaults.</param>
    /// <param name="model">The model; <see langword="null"/> for the embedded all-MiniLM-L6-v2 (<see cref="BertModel.AllMiniLmL6V2"/>).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ISiloBuilder AddBertEmbedding(this ISiloBuilder builder, BertEmbeddingGeneratorOptions? options = null, BertModel? model = null) =>
        AddBertEmbedding(builder, _ => options, _ => model);

    /// <summary>Hosts a generator configured from a configuration section whose keys are the options' property names
    /// (see <see cref="BertEmbeddingGeneratorOptions.FromConfiguration"/>).</summary>
    /// <param name="builder">The silo's builder.</param>
    /// <param name="configuration">The section, read when the generator is first resolved.</param>
    /// <param name="model">The model; <see langword="null"/> for the embedded all-MiniLM-L6-v2.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    public static ISiloBuilder AddBertEmbedding(this ISiloBuilder builder, IConfiguration configuration, BertModel? model = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddBertEmbedding(builder, _ => BertEmbeddingGeneratorOptions.FromConfiguration(configuration), _ => model);
    }

    /// <summary>Hosts a generator whose options and model come from the silo's container when it is first resolved.</summary>
    /// <param name="builder">The silo's builder.</param>
    /// <param name="optionsFactory">Makes the options (<see langword="null"/> for the defaults).</param>
    /// <param name="modelFactory">Makes the model; <see langword="null"/> (or a factory that returns it) for the embedded all-MiniLM-L6-v2.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="optionsFactory"/> is <see langword="null"/>.</exception>
    public static ISiloBuilder AddBertEmbedding(
        this ISiloBuilder builder, Func<IServiceProvider, BertEmbeddingGeneratorOptions?> optionsFactory, Func<IServiceProvider, BertModel?>? modelFactory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(optionsFactory);
        builder.Services.AddBertEmbeddingGenerator(optionsFactory, modelFactory);
        builder.Services.AddSerializer(serializer => serializer.AddAssembly(typeof(EmbeddingGrain).Assembly));
        return builder;
    }
}

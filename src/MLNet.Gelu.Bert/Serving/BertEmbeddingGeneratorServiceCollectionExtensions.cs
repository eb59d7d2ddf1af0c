using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Registers a <see cref="BertEmbeddingGenerator"/> in a dependency-injection container:
/// <c>services.AddBertEmbeddingGenerator(...)</c>, the way Microsoft.Extensions.AI's own <c>AddEmbeddingGenerator</c> does.
/// </summary>
/// <remarks>
/// <para>One generator per container (a singleton: one queue and scoring loop per model is the point), created when it is
/// first resolved, and disposed by the container (which fails the requests still queued; see
/// <see cref="BertEmbeddingGenerator.Dispose"/>). It is registered as <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>
/// of <see cref="string"/> and <see cref="Embedding{T}"/> of <see cref="float"/> (through the returned builder, with any
/// middleware added to it) and as <see cref="BertEmbeddingGenerator"/> itself (without middleware).</para>
/// <para>Unless the options name their own, the generator logs through the container's <see cref="ILoggerFactory"/>
/// (category <c>MLNet.Gelu.Bert.BertEmbeddingGenerator</c>) and measures through its <see cref="IMeterFactory"/>
/// (<c>services.AddMetrics()</c>; without one, the process-wide meter).</para>
/// <para>Registering again replaces the previous registration (the last one wins, as with any service).</para>
/// </remarks>
/// <example>
/// <code>
/// builder.Services.AddBertEmbeddingGenerator(builder.Configuration.GetSection("Embeddings"))
///     .UseDistributedCache()        // Microsoft.Extensions.AI middleware, in the order given
///     .UseOpenTelemetry();
/// // later: IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt; generator (constructor injection)
/// </code>
/// </example>
public static class BertEmbeddingGeneratorServiceCollectionExtensions
{
    /// <summary>Registers a generator configured from code.</summary>
    /// <param name="services">The container's services.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults. Validated when the generator is first resolved.</param>
    /// <param name="model">The model; <see langword="null"/> for the embedded all-MiniLM-L6-v2 (<see cref="BertModel.AllMiniLmL6V2"/>).</param>
    /// <returns>Microsoft.Extensions.AI's builder of the registered <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>: chain
    /// <c>.UseLogging()</c>, <c>.UseOpenTelemetry()</c>, <c>.UseDistributedCache()</c> to wrap the generator.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <remarks>Resolving the generator throws what its constructor throws (<see cref="ArgumentOutOfRangeException"/> naming
    /// an option out of range, <see cref="BertModelException"/> without the model package, ...).</remarks>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddBertEmbeddingGenerator(
        this IServiceCollection services, BertEmbeddingGeneratorOptions? options = null, BertModel? model = null) =>
        AddBertEmbeddingGenerator(services, _ => options, _ => model);

    /// <summary>
    /// Registers a generator configured from a configuration section (for example <c>"Embeddings"</c> of
    /// <c>appsettings.json</c>): its keys are the options' property names (<c>TokenBudget</c>, <c>MaxQueuedTexts</c>,
    /// <c>QueueFullMode</c>, <c>MaxQueueDelay</c>, <c>WindowSize</c>, <c>ExecutionProvider</c>, <c>IntraOpThreads</c>,
    /// <c>FallbackToCpu</c>, ...; see <see cref="BertEmbeddingGeneratorOptions.FromConfiguration"/>).
    /// </summary>
    /// <param name="services">The container's services.</param>
    /// <param name="configuration">The section. Read when the generator is first resolved, which fails then with the
    /// options' <see cref="ArgumentOutOfRangeException"/> naming a key whose value is out of range, or an
    /// <see cref="InvalidOperationException"/> naming a key that is unknown or whose value is not of its type.</param>
    /// <param name="model">The model; <see langword="null"/> for the embedded all-MiniLM-L6-v2.</param>
    /// <returns>Microsoft.Extensions.AI's builder of the registered generator.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddBertEmbeddingGenerator(
        this IServiceCollection services, IConfiguration configuration, BertModel? model = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddBertEmbeddingGenerator(services, _ => BertEmbeddingGeneratorOptions.FromConfiguration(configuration), _ => model);
    }

    /// <summary>Registers a generator whose options and model come from the container when the generator is first resolved.</summary>
    /// <param name="services">The container's services.</param>
    /// <param name="optionsFactory">Makes the options (<see langword="null"/> for the defaults), for example
    /// <c>sp =&gt; BertEmbeddingGeneratorOptions.FromConfiguration(section) with { ... }</c>.</param>
    /// <param name="modelFactory">Makes the model; <see langword="null"/> (or a factory that returns it) for the embedded
    /// all-MiniLM-L6-v2.</param>
    /// <returns>Microsoft.Extensions.AI's builder of the registered generator.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="optionsFactory"/> is <see langword="null"/>.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddBertEmbeddingGenerator(
        this IServiceCollection services, Func<IServiceProvider, BertEmbeddingGeneratorOptions?> optionsFactory, Func<IServiceProvider, BertModel?>? modelFactory = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(optionsFactory);
        services.AddSingleton(provider => Create(provider, optionsFactory, modelFactory));
        return services.AddEmbeddingGenerator(provider => (IEmbeddingGenerator<string, Embedding<float>>)provider.GetRequiredService<BertEmbeddingGenerator>());
    }

    private static BertEmbeddingGenerator Create(
        IServiceProvider provider, Func<IServiceProvider, BertEmbeddingGeneratorOptions?> optionsFactory, Func<IServiceProvider, BertModel?>? modelFactory)
    {
        var options = optionsFactory(provider) ?? new BertEmbeddingGeneratorOptions();
        options = options with
        {
            Logger = options.Logger ?? provider.GetService<ILoggerFactory>()?.CreateLogger<BertEmbeddingGenerator>(),
            MeterFactory = options.MeterFactory ?? provider.GetService<IMeterFactory>(),
        };
        return new BertEmbeddingGenerator(modelFactory?.Invoke(provider), options);
    }
}

using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using MLNet.Gelu.Bert;

namespace EmbeddingService;

/// <summary>
/// Builds the embedding service: Kestrel, <c>POST /v1/embeddings</c> (OpenAI-compatible) and <c>GET /health/ready</c>,
/// over a <see cref="BertEmbeddingGenerator"/> with the embedded all-MiniLM-L6-v2.
/// </summary>
/// <remarks>
/// <para>Shutdown (Ctrl+C, SIGTERM, or <c>StopAsync</c>): the host fires <c>ApplicationStopping</c>, from when
/// <c>/health/ready</c> answers 503 and new requests get 503 (<c>shutting_down</c>); then Kestrel stops accepting
/// connections and waits for the requests it is serving (up to the host's <c>ShutdownTimeout</c>, 30 s by default);
/// only when the app is disposed, after that, does the container dispose the generator.</para>
/// <para>Tests and benchmarks start it on <c>--urls=http://127.0.0.1:0</c> and read the bound address from
/// <see cref="WebApplication.Urls"/> after <c>StartAsync</c>.</para>
/// </remarks>
public static class EmbeddingServiceApp
{
    /// <summary>The route of the embeddings endpoint.</summary>
    public const string EmbeddingsRoute = "/v1/embeddings";

    /// <summary>The route of the readiness probe: 200 once the model is loaded, 503 while it loads or the app stops.</summary>
    public const string ReadinessRoute = "/health/ready";

    /// <summary>Builds the app (without starting it).</summary>
    /// <param name="args">Command-line arguments: configuration such as <c>--urls=http://127.0.0.1:8080</c> or
    /// <c>--EmbeddingService:MaxInputs=64</c>.</param>
    /// <param name="configureServices">Runs after the service's own registrations, so a registration here replaces
    /// theirs (a test's generator, for example); <see langword="null"/> for none.</param>
    /// <returns>The app; run it with <c>RunAsync</c>, or <c>StartAsync</c> and <c>StopAsync</c>, then dispose it.</returns>
    public static WebApplication Create(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

        var services = builder.Services;
        services.AddOptions<EmbeddingServiceOptions>().BindConfiguration(EmbeddingServiceOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EmbeddingServiceOptions>, EmbeddingServiceOptionsValidator>();
        AddEmbeddingGenerator(services);
        services.AddSingleton<ModelReadiness>();
        services.AddHostedService(provider => provider.GetRequiredService<ModelReadiness>());
        services.AddHealthChecks().AddCheck<ModelReadiness>("model");
        services.AddSingleton<EmbeddingsEndpoint>();
        configureServices?.Invoke(services);

        var app = builder.Build();
        app.MapPost(EmbeddingsRoute, (HttpContext context, EmbeddingsEndpoint endpoint) => endpoint.HandleAsync(context));
        app.MapHealthChecks(ReadinessRoute);
        return app;
    }

    /// <summary>Builds the app and runs it until it stops (Ctrl+C, SIGTERM), then disposes it: what Program.cs does.</summary>
    /// <param name="args">Command-line arguments, as for <see cref="Create"/>.</param>
    /// <returns>The process exit code: 0, or 1 when the model could not be loaded (the error is logged).</returns>
    /// <exception cref="OptionsValidationException">A setting of the <c>EmbeddingService</c> section is out of range; the message names it.</exception>
    public static async Task<int> RunAsync(string[] args)
    {
        var app = Create(args);
        var readiness = app.Services.GetRequiredService<ModelReadiness>();
        try
        {
            await app.RunAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (readiness.LoadFailure is not null)
        {
            // The load failed before the server had started, and stopping the app cancelled the start.
        }

        return readiness.LoadFailure is null ? 0 : 1;
    }

    /// <summary>
    /// Registers the generator with the library's <c>AddBertEmbeddingGenerator</c>: one <see cref="BertEmbeddingGenerator"/>
    /// for the app's lifetime, created from the <c>EmbeddingService</c> settings
    /// (<see cref="EmbeddingServiceOptions.ToGeneratorOptions"/>) when <see cref="ModelReadiness"/> first asks for it, logging
    /// and metering through the app's container, and disposed by the container after the server has stopped.
    /// </summary>
    private static void AddEmbeddingGenerator(IServiceCollection services) =>
        services.AddBertEmbeddingGenerator(provider => provider.GetRequiredService<IOptions<EmbeddingServiceOptions>>().Value.ToGeneratorOptions());
}

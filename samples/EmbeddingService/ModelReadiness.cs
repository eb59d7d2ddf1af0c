using Microsoft.Extensions.AI;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace EmbeddingService;

/// <summary>
/// Loads the model when the app starts, on a background thread (so the server answers probes meanwhile), and tells
/// whether the service is ready: the generator exists and the app has not begun to stop. It is the readiness health
/// check behind <c>GET /health/ready</c>, and <see cref="EmbeddingsEndpoint"/> asks it before taking a request.
/// </summary>
/// <remarks>
/// The generator is a singleton of the container, which disposes it when the app is disposed: after the server has
/// stopped and the requests it accepted have finished. If the model cannot be loaded the app stops (the host's default
/// for a failed background service), the error is logged, and <see cref="EmbeddingServiceApp.RunAsync"/> returns 1.
/// appsettings.json silences the health-check service's own log, which reports every 503 probe (while the model
/// loads, or once the app stops) as an error; this class logs when the service becomes ready.
/// </remarks>
internal sealed partial class ModelReadiness(
    IServiceProvider services, IOptions<EmbeddingServiceOptions> options, IHostApplicationLifetime lifetime, ILogger<ModelReadiness> logger)
    : BackgroundService, IHealthCheck
{
    private volatile LoadedModel? _model;

    /// <summary>The loaded generator and what it reports about itself; <see langword="null"/> while it loads.</summary>
    public LoadedModel? Model => _model;

    /// <summary>Whether the app has begun to stop (<see cref="IHostApplicationLifetime.ApplicationStopping"/> fired).</summary>
    public bool IsStopping => lifetime.ApplicationStopping.IsCancellationRequested;

    /// <summary>Why the model could not be loaded; <see langword="null"/> while it loads or once it has.</summary>
    public Exception? LoadFailure { get; private set; }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            IsStopping ? HealthCheckResult.Unhealthy("The service is shutting down.")
            : _model is { } model ? HealthCheckResult.Healthy($"{model.Id} is loaded.")
            : HealthCheckResult.Unhealthy("The model is loading."));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LoadedModel model;
        try
        {
            model = await Task.Run(Load, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // The host logs it and stops the app; EmbeddingServiceApp.RunAsync then exits with 1.
            LoadFailure = e;
            throw;
        }

        _model = model;
        LogReady(logger, model.Id ?? "(unnamed)", model.Dimensions);
    }

    private LoadedModel Load()
    {
        var generator = services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        var name = options.Value.ModelName;
        return new LoadedModel(generator, string.IsNullOrEmpty(name) ? metadata?.DefaultModelId : name, metadata?.DefaultModelDimensions);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Model} ({Dimensions} dimensions) is loaded; the service is ready.")]
    private static partial void LogReady(ILogger logger, string model, int? dimensions);
}

/// <summary>A loaded generator with the model name and dimension it reports (either may be unknown for a foreign generator).</summary>
/// <param name="Generator">The generator requests go to.</param>
/// <param name="Id">The model's name (<see cref="EmbeddingServiceOptions.ModelName"/>, or else the generator's), which a
/// request's <c>model</c> must match when set; <see langword="null"/> accepts any.</param>
/// <param name="Dimensions">The embedding length, which a request's <c>dimensions</c> must match when set; <see langword="null"/> accepts any.</param>
internal sealed record LoadedModel(IEmbeddingGenerator<string, Embedding<float>> Generator, string? Id, int? Dimensions);

using System.ClientModel;
using System.Net;
using System.Text;
using EmbeddingService;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;

namespace MLNet.Gelu.EmbeddingService.Tests.Support;

/// <summary>
/// The sample service started on real Kestrel at <c>http://127.0.0.1:0</c> (a free port), with a raw HTTP client and
/// the official OpenAI client pointed at it. Disposing stops the server and disposes the app.
/// </summary>
internal sealed class RunningService : IAsyncDisposable
{
    /// <summary>How long a test waits for something that will happen (a liveness guard, never a timing assertion).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private RunningService(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
        Http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = baseAddress, Timeout = Patience };
    }

    public WebApplication App { get; }

    /// <summary>Where the server listens, such as <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    /// <summary>Builds and starts the service; unless told not to, waits until <c>/health/ready</c> answers 200.</summary>
    /// <param name="settings">Configuration arguments such as <c>--EmbeddingService:MaxInputs=4</c>.</param>
    /// <param name="configureServices">Registrations that replace the service's own (a test's generator).</param>
    /// <param name="waitUntilReady">Whether to wait for the model.</param>
    public static async Task<RunningService> StartAsync(
        IEnumerable<string>? settings = null, Action<IServiceCollection>? configureServices = null, bool waitUntilReady = true)
    {
        string[] args = ["--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", .. settings ?? []];
        var app = EmbeddingServiceApp.Create(args, configureServices);
        await app.StartAsync().WaitAsync(Patience);
        var service = new RunningService(app, new Uri(app.Urls.Single()));
        if (waitUntilReady)
        {
            await service.WaitUntilReadyAsync();
        }

        return service;
    }

    /// <summary>An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over the official OpenAI client, pointed at this service.</summary>
    public IEmbeddingGenerator<string, Embedding<float>> OpenAiGenerator(string model = MiniLm.ServedName) =>
        OpenAiClient().GetEmbeddingClient(model).AsIEmbeddingGenerator();

    /// <summary>The official OpenAI client, pointed at <c>/v1</c> of this service, with extra pipeline policies.</summary>
    public OpenAIClient OpenAiClient(params System.ClientModel.Primitives.PipelinePolicy[] policies)
    {
        var options = new OpenAIClientOptions { Endpoint = new Uri(BaseAddress, "/v1") };
        foreach (var policy in policies)
        {
            options.AddPolicy(policy, System.ClientModel.Primitives.PipelinePosition.PerCall);
        }

        return new OpenAIClient(new ApiKeyCredential("unused"), options);
    }

    /// <summary>Posts a raw body to <c>/v1/embeddings</c>.</summary>
    public Task<HttpResponseMessage> PostAsync(string json, CancellationToken cancellationToken = default) =>
        Http.PostAsync(EmbeddingServiceApp.EmbeddingsRoute, new StringContent(json, Encoding.UTF8, "application/json"), cancellationToken);

    /// <summary>The status of <c>GET /health/ready</c>.</summary>
    public async Task<HttpStatusCode> ReadinessAsync()
    {
        using var response = await Http.GetAsync(EmbeddingServiceApp.ReadinessRoute);
        return response.StatusCode;
    }

    public async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + Patience;
        while (await ReadinessAsync() != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "The service never became ready.");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync().WaitAsync(Patience);
        await App.DisposeAsync();
    }
}

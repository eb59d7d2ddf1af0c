using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using EmbeddingService;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;
using MLNet.Gelu.EmbeddingService.Tests.Support;

namespace MLNet.Gelu.EmbeddingService.Tests.Lifecycle;

/// <summary>
/// Stopping the service under load, as Program.cs runs it (<c>RunAsync</c>; the host stops on SIGTERM or Ctrl+C through
/// <c>StopApplication</c>, as here).
/// </summary>
/// <remarks>
/// A request is <b>accepted</b> when the service's handler admits it: its one shutdown check, first thing in the
/// handler, finds the app not stopping. The server-side <see cref="ArrivalRecorder"/> sees every request the server
/// handled, whether the stop had begun when the server started handling it, and what the handler answered (an accepted
/// request is answered 200 here, a refused one 503 <c>shutting_down</c>). A request that reached the server before the
/// stop began is accepted unless its check ran after the stop began (a window of microseconds, counted below).
/// </remarks>
public sealed class ShutdownTests(ITestOutputHelper output)
{
    private const int Requests = 200;
    private const int Clients = 16;
    private const int StopAfter = 40;

    [Fact]
    public async Task Stopping_under_load_completes_every_accepted_request_and_disposes_the_generator_after_the_server_stopped()
    {
        var texts = Enumerable.Range(0, Requests).Select(TextsOf).ToArray();
        foreach (string text in Sentences.All)
        {
            MiniLm.Alone(text);
            MiniLm.TokensOf(text);
        }

        var timeline = new ConcurrentQueue<string>();
        var recorder = new ArrivalRecorder();
        SpyGenerator? spy = null;
        var app = EmbeddingServiceApp.Create(["--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"], services =>
        {
            services.AddSingleton<IStartupFilter>(recorder);
            services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(provider => spy = new SpyGenerator(
                MiniLm.Generator(provider.GetRequiredService<IOptions<EmbeddingServiceOptions>>().Value.ToGeneratorOptions()), timeline.Enqueue));
        });
        var started = new TaskCompletionSource();
        app.Lifetime.ApplicationStarted.Register(started.SetResult);
        app.Lifetime.ApplicationStopped.Register(() => timeline.Enqueue("server stopped"));

        // As Program.cs: RunAsync returns once the app has stopped and has been disposed.
        var run = app.RunAsync();
        await started.Task.WaitAsync(RunningService.Patience);
        var baseAddress = new Uri(app.Urls.Single());
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients }) { BaseAddress = baseAddress, Timeout = RunningService.Patience };
        await WaitUntilReadyAsync(http);

        var outcomes = new Outcome?[Requests];
        var stopNow = new TaskCompletionSource();
        int next = -1;
        int succeeded = 0;
        var clients = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            for (int k = Interlocked.Increment(ref next); k < Requests; k = Interlocked.Increment(ref next))
            {
                outcomes[k] = await SendAsync(http, k, texts[k]);
                if (outcomes[k]!.Status == 200 && Interlocked.Increment(ref succeeded) == StopAfter)
                {
                    stopNow.SetResult();
                }
            }
        })).ToArray();

        await stopNow.Task.WaitAsync(RunningService.Patience);
        recorder.StopBegins();
        app.Lifetime.StopApplication();
        await run.WaitAsync(RunningService.Patience);
        await Task.WhenAll(clients).WaitAsync(RunningService.Patience);

        // Every request has an outcome: 200 with the right vectors and tokens, a 503 refusal, or no connection. Never 500.
        var accepted = recorder.Arrivals.Where(a => a.Value.Status == 200).Select(a => a.Key).ToHashSet();
        for (int k = 0; k < Requests; k++)
        {
            var outcome = outcomes[k]!;
            Assert.True(outcome.Status is 200 or 503 or 0, $"Request {k}: status {outcome.Status}: {outcome.Body}");
            if (outcome.Status == 200)
            {
                var (vectors, tokens) = EmbeddingsJson.Vectors(outcome.Body!);
                Assert.Equal(texts[k].Length, vectors.Length);
                for (int i = 0; i < vectors.Length; i++)
                {
                    MiniLm.AssertEmbeds(texts[k][i], vectors[i]);
                }

                Assert.Equal(texts[k].Sum(MiniLm.TokensOf), tokens);
            }
            else if (outcome.Status == 503)
            {
                using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
                {
                    Content = new StringContent(outcome.Body!, Encoding.UTF8, "application/json"),
                };
                await OpenAiErrors.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable, "server_error", null, "shutting_down");
            }

            // A request the server handled got the server's answer; only one it never saw can fail to connect.
            if (recorder.Arrivals.TryGetValue(k, out var arrival))
            {
                Assert.True(arrival.Status == outcome.Status, $"Request {k}: the server answered {arrival.Status}, the client got {outcome.Status} ({outcome.Failure}).");
            }
            else
            {
                Assert.True(outcome.Status == 0, $"Request {k}: status {outcome.Status} from a request the server never handled.");
            }
        }

        // Every accepted request, those accepted before the stop began included, completed with 200.
        Assert.All(accepted, k => Assert.Equal(200, outcomes[k]!.Status));
        int acceptedBeforeStop = recorder.Arrivals.Count(a => a.Value.BeforeStop && a.Value.Status == 200);
        int refusedBeforeStop = recorder.Arrivals.Count(a => a.Value.BeforeStop && a.Value.Status != 200);
        Assert.True(acceptedBeforeStop >= StopAfter, $"{acceptedBeforeStop} requests accepted before the stop.");
        Assert.True(accepted.Count < Requests, "The stop came after every request: nothing was refused.");
        Assert.True(refusedBeforeStop <= Clients, $"{refusedBeforeStop} requests that arrived before the stop were refused.");

        output.WriteLine($"{accepted.Count} accepted ({acceptedBeforeStop} before the stop began), " +
            $"{outcomes.Count(o => o!.Status == 503)} refused with 503 ({refusedBeforeStop} of them arrived before the stop began), " +
            $"{outcomes.Count(o => o!.Status == 0)} never reached the server.");

        // The generator served exactly the accepted requests, and was disposed after the server had stopped, idle.
        Assert.Equal(accepted.Count, spy!.Calls);
        Assert.Equal((true, 0), spy.Disposal);
        Assert.Equal(["server stopped", "generator disposed"], timeline);
    }

    [Fact]
    public async Task Once_the_app_is_stopping_readiness_and_new_requests_get_503()
    {
        SpyGenerator? spy = null;
        await using var service = await RunningService.StartAsync(configureServices: services =>
            services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_ => spy = new SpyGenerator(new FakeGenerator())));
        using (var before = await service.PostAsync("""{"input": "before"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        // ApplicationStopping fires; the server keeps listening until StopAsync (which DisposeAsync calls) stops it.
        service.App.Lifetime.StopApplication();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, await service.ReadinessAsync());
        using var refused = await service.PostAsync("""{"input": "after"}""");
        await OpenAiErrors.AssertErrorAsync(refused, HttpStatusCode.ServiceUnavailable, "server_error", null, "shutting_down");
        Assert.Equal(1, spy!.Calls);
    }

    [Fact]
    public async Task While_the_model_loads_readiness_and_requests_get_503_with_Retry_After()
    {
        using var loading = new ManualResetEventSlim();
        await using var service = await RunningService.StartAsync(
            ["--EmbeddingService:RetryAfterSeconds=2"],
            services => services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(_ =>
            {
                Assert.True(loading.Wait(RunningService.Patience), "The test never let the model load.");
                return new FakeGenerator();
            }),
            waitUntilReady: false);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, await service.ReadinessAsync());
        using (var early = await service.PostAsync("""{"input": "too early"}"""))
        {
            await OpenAiErrors.AssertErrorAsync(early, HttpStatusCode.ServiceUnavailable, "server_error", null, "model_loading");
            Assert.Equal(TimeSpan.FromSeconds(2), early.Headers.RetryAfter?.Delta);
        }

        loading.Set();
        await service.WaitUntilReadyAsync();
        using var ready = await service.PostAsync("""{"input": "in time"}""");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(FakeGenerator.VectorOf("in time"), (await EmbeddingsJson.VectorsAsync(ready))[0]);
    }

    [Fact]
    public async Task A_disposed_generator_answers_503()
    {
        var generator = MiniLm.Generator(new EmbeddingServiceOptions().ToGeneratorOptions());
        await generator.DisposeAsync();
        await using var service = await RunningService.StartAsync(configureServices: services =>
            services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(generator));

        using var response = await service.PostAsync("""{"input": "a"}""");

        await OpenAiErrors.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable, "server_error", null, "shutting_down");
    }

    /// <summary>Request <paramref name="k"/>'s texts: one to three of the test sentences.</summary>
    private static string[] TextsOf(int k) =>
        Enumerable.Range(0, 1 + (k % 3)).Select(j => Sentences.All[((k * 7) + (j * 3)) % Sentences.All.Count]).ToArray();

    private static async Task<Outcome> SendAsync(HttpClient http, int k, string[] texts)
    {
        string body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["input"] = texts,
            ["model"] = MiniLm.ServedName,
            ["encoding_format"] = k % 2 == 0 ? "base64" : "float",
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, EmbeddingServiceApp.EmbeddingsRoute)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(ArrivalRecorder.Header, k.ToString(CultureInfo.InvariantCulture));
        try
        {
            using var response = await http.SendAsync(request);
            return new Outcome((int)response.StatusCode, await response.Content.ReadAsStringAsync(), null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // No connection (the server stopped listening), or a connection closed before an answer.
            return new Outcome(0, null, e.GetType().Name + ": " + e.Message);
        }
    }

    private static async Task WaitUntilReadyAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow + RunningService.Patience;
        while (true)
        {
            using var response = await http.GetAsync(EmbeddingServiceApp.ReadinessRoute);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "The service never became ready.");
            await Task.Delay(20);
        }
    }

    private sealed record Outcome(int Status, string? Body, string? Failure);
}

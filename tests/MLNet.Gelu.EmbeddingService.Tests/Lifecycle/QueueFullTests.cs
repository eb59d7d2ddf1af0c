using System.Net;
using EmbeddingService;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MLNet.Gelu.EmbeddingService.Tests.Support;

namespace MLNet.Gelu.EmbeddingService.Tests.Lifecycle;

/// <summary>A full queue answers 429 with Retry-After (the service runs its generator with QueueFullMode.Reject).</summary>
public sealed class QueueFullTests
{
    [Fact]
    public async Task Concurrent_requests_that_do_not_fit_the_queue_get_429_with_Retry_After_and_room_again_admits_them()
    {
        // A queue of one text that the model leaves waiting: with a window of two texts and a one-minute queue delay,
        // a lone text stays queued (the scoring loop waits for a second one, which can never fit). Every request
        // behind it is deterministically refused, until the held request is cancelled by its client.
        SpyGenerator? spy = null;
        await using var service = await RunningService.StartAsync(
            [
                .. MiniLm.ServiceSettings, "--EmbeddingService:MaxQueuedTexts=1", "--EmbeddingService:WindowSize=2",
                "--EmbeddingService:MaxQueueDelay=00:01:00", "--EmbeddingService:RetryAfterSeconds=7",
            ],
            services => services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(provider =>
                spy = new SpyGenerator(MiniLm.Generator(provider.GetRequiredService<IOptions<EmbeddingServiceOptions>>().Value.ToGeneratorOptions()))));
        using var holder = new CancellationTokenSource();
        var held = service.PostAsync("""{"input": "held in the queue"}""", holder.Token);
        await spy!.WaitQueuedAsync();

        var refused = await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
            service.PostAsync(i % 3 == 0 ? $$"""{"input": ["text {{i}}", "more"]}""" : $$"""{"input": "text {{i}}"}""")));

        foreach (var response in refused)
        {
            using (response)
            {
                await OpenAiErrors.AssertErrorAsync(response, HttpStatusCode.TooManyRequests, "rate_limit_error", null, "queue_full");
                Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
            }
        }

        Assert.False(held.IsCompleted);
        await holder.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => held);
        await spy.WaitIdleAsync();

        // The cancelled request left the queue: a request that fills the window is taken at once.
        string[] texts = [Sentences.All[5], Sentences.All[6]];
        using var admitted = await service.PostAsync($$"""{"input": ["{{texts[0]}}", "{{texts[1]}}"], "encoding_format": "float"}""");
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        var vectors = await EmbeddingsJson.VectorsAsync(admitted);
        MiniLm.AssertEmbeds(texts[0], vectors[0]);
        MiniLm.AssertEmbeds(texts[1], vectors[1]);
    }
}

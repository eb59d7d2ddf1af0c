using Microsoft.Extensions.Time.Testing;

namespace MLNet.Gelu.Bert.Tests.Serving;

/// <summary>
/// Disposal stops admitting, fails what is queued or waiting with ObjectDisposedException at once, lets the running round
/// finish for its requests, then disposes the session; never a crash, whatever is in flight.
/// </summary>
public sealed class DisposeTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Dispose_fails_the_queued_lets_the_running_round_finish_and_refuses_later_calls(bool asynchronously)
    {
        var generator = Serving.Toy(new BertEmbeddingGeneratorOptions { MaxQueuedTexts = 2 });
        var gate = new LoopGate(generator);
        var running = generator.GenerateAsync(["a", "b b"]);
        gate.WaitHeld();
        var queued = generator.GenerateAsync(["c", "d"]);
        var waiting = generator.GenerateAsync(["e"]);
        Assert.Equal(1, generator.Coalescer.WaitingRequests);

        var disposing = asynchronously ? generator.DisposeAsync().AsTask() : Task.Run(generator.Dispose);

        // Failed while the round is still held: disposal does not make them wait for it.
        await Assert.ThrowsAsync<ObjectDisposedException>(() => queued.WaitAsync(Serving.Patience));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.WaitAsync(Serving.Patience));
        Assert.False(running.IsCompleted);
        Assert.False(disposing.IsCompleted);
        Assert.IsType<ObjectDisposedException>(Record.Exception(() => { _ = generator.GenerateAsync(["f"]); }));
        Assert.IsType<ObjectDisposedException>(Record.Exception(() => { _ = generator.GenerateAsync([]); }));

        gate.Open();
        await disposing.WaitAsync(Serving.Patience);
        Serving.AssertEqualsAlone(["a", "b b"], await running, Serving.ToyAlone);
        Assert.Equal(2, generator.Coalescer.TextsScored);
        generator.Dispose();
        await generator.DisposeAsync();
    }

    [Fact]
    public async Task Dispose_during_concurrent_traffic_never_crashes_and_every_call_ends_in_a_result_or_a_documented_exception()
    {
        var random = new Random(20250101);
        for (var round = 0; round < 50; round++)
        {
            var mode = round % 4 < 2 ? QueueFullMode.Wait : QueueFullMode.Reject;
            var generator = Serving.Toy(new BertEmbeddingGeneratorOptions { MaxQueuedTexts = 8, WindowSize = 4, QueueFullMode = mode });
            var completed = 0;
            var disposeAfter = random.Next(0, 40);
            var callers = Enumerable.Range(0, 16).Select(caller => Task.Run(async () =>
            {
                for (var n = 0; ; n++)
                {
                    string?[] texts = n % 3 == 0 ? [Serving.ToyText(caller + n), null, Serving.ToyText(n)] : [Serving.ToyText(caller * 7 + n)];
                    using var cancellation = new CancellationTokenSource();
                    if (n % 5 == 4)
                    {
                        cancellation.CancelAfter(TimeSpan.FromMilliseconds(n % 3));
                    }

                    try
                    {
                        var result = await generator.GenerateAsync(texts!, cancellationToken: cancellation.Token);
                        Serving.AssertEqualsAlone(texts, result, Serving.ToyAlone);
                        Interlocked.Increment(ref completed);
                    }
                    catch (ObjectDisposedException)
                    {
                        return;
                    }
                    catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
                    {
                    }
                    catch (EmbeddingQueueFullException) when (mode == QueueFullMode.Reject)
                    {
                        await Task.Yield();
                    }
                }
            })).ToArray();

            Serving.WaitUntil(() => Volatile.Read(ref completed) >= disposeAfter, $"{disposeAfter} requests completed");
            if (round % 2 == 0)
            {
                generator.Dispose();
            }
            else
            {
                await generator.DisposeAsync();
            }

            // Every caller ends on ObjectDisposedException; any other exception, or a wrong vector, fails here.
            await Task.WhenAll(callers).WaitAsync(Serving.Patience);
            Assert.Equal(0, generator.Coalescer.QueuedTexts);
            Assert.Equal(0, generator.Coalescer.WaitingRequests);
        }
    }

    [Fact]
    public async Task Dispose_from_inside_the_scoring_loop_finishes_the_round_without_deadlock()
    {
        var generator = Serving.Toy();
        generator.Coalescer.BeforeModelRun = _ => generator.Dispose();

        var result = await generator.GenerateAsync(["a", "b"]).WaitAsync(Serving.Patience);

        Serving.AssertEqualsAlone(["a", "b"], result, Serving.ToyAlone);
        Assert.IsType<ObjectDisposedException>(Record.Exception(() => { _ = generator.GenerateAsync(["c"]); }));
        await generator.DisposeAsync().AsTask().WaitAsync(Serving.Patience);
    }

    [Fact]
    public async Task Dispose_does_not_wait_for_a_pending_queue_delay()
    {
        // The clock never moves, so the queued request would wait forever for its delay.
        var generator = Serving.Toy(new BertEmbeddingGeneratorOptions { MaxQueueDelay = TimeSpan.FromSeconds(1), WindowSize = 8 }, new FakeTimeProvider());
        var pending = generator.GenerateAsync(["a"]);

        await generator.DisposeAsync().AsTask().WaitAsync(Serving.Patience);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => pending);
        Assert.Equal(0, generator.Coalescer.Rounds);
    }
}

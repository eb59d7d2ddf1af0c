namespace MLNet.Gelu.Bert.Tests.Serving;

/// <summary>Cancellation is per request: a waiting request leaves without model work; a running one lets its batch finish for the others.</summary>
public sealed class CancellationTests
{
    [Fact]
    public async Task A_request_cancelled_while_queued_leaves_the_queue_and_costs_no_model_work()
    {
        for (var repeat = 0; repeat < 20; repeat++)
        {
            await using var generator = Serving.Toy();
            var gate = new LoopGate(generator);
            var running = generator.GenerateAsync(["a"]);
            gate.WaitHeld();
            using var cancellation = new CancellationTokenSource();
            var cancelled = generator.GenerateAsync(["h h h", "g"], cancellationToken: cancellation.Token);
            var kept = generator.GenerateAsync(["b"]);
            Assert.Equal(3, generator.Coalescer.QueuedTexts);

            await cancellation.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
            Assert.Equal(1, generator.Coalescer.QueuedTexts);
            gate.Open();
            Serving.AssertEqualsAlone(["b"], await kept.WaitAsync(Serving.Patience), Serving.ToyAlone);
            await running;
            Assert.DoesNotContain(gate.Runs, run => run.Contains("h h h") || run.Contains("g"));
            Assert.Equal(2, generator.Coalescer.TextsScored);
        }
    }

    [Fact]
    public async Task A_request_cancelled_while_waiting_for_room_leaves_the_line()
    {
        await using var generator = Serving.Toy(new BertEmbeddingGeneratorOptions { MaxQueuedTexts = 2 });
        var gate = new LoopGate(generator);
        var running = generator.GenerateAsync(["a"]);
        gate.WaitHeld();
        var queued = generator.GenerateAsync(["b", "c"]);
        using var cancellation = new CancellationTokenSource();
        var cancelled = generator.GenerateAsync(["d", "e"], cancellationToken: cancellation.Token);
        var next = generator.GenerateAsync(["f"]);
        Assert.Equal(2, generator.Coalescer.WaitingRequests);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(1, generator.Coalescer.WaitingRequests);
        gate.Open();
        await Task.WhenAll(running, queued, next).WaitAsync(Serving.Patience);
        Assert.DoesNotContain(gate.Runs, run => run.Contains("d"));
        Serving.AssertRun(gate.Runs.Last(), "f");
        Assert.Equal(4, generator.Coalescer.TextsScored);
    }

    [Fact]
    public async Task A_request_cancelled_while_its_batch_runs_is_cancelled_at_once_and_the_batch_completes_for_the_others()
    {
        for (var repeat = 0; repeat < 20; repeat++)
        {
            await using var generator = Serving.Toy();
            var gate = new LoopGate(generator);
            var first = generator.GenerateAsync(["a"]);
            gate.WaitHeld();
            using var cancellation = new CancellationTokenSource();
            var victim = generator.GenerateAsync(["c c"], cancellationToken: cancellation.Token);
            var other = generator.GenerateAsync(["d d d", "e"]);
            gate.ReleaseOne();
            gate.WaitHeld();

            await cancellation.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => victim);
            Assert.False(other.IsCompleted);
            gate.Open();
            Serving.AssertEqualsAlone(["d d d", "e"], await other.WaitAsync(Serving.Patience), Serving.ToyAlone);
            await first;
            Serving.AssertRun(gate.Runs.ElementAt(1), "c c", "d d d", "e");
            Assert.Equal(2, generator.Coalescer.Rounds);
        }
    }

    [Fact]
    public async Task An_already_cancelled_token_queues_nothing()
    {
        await using var generator = Serving.Toy();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        var cancelled = generator.GenerateAsync(["a"], cancellationToken: cancellation.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(0, generator.Coalescer.QueuedTexts);
        Assert.Equal(0, generator.Coalescer.Rounds);
        Serving.AssertEqualsAlone(["a"], await generator.GenerateAsync(["a"]), Serving.ToyAlone);
        Assert.Equal(1, generator.Coalescer.TextsScored);
    }
}

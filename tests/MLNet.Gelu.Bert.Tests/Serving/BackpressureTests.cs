namespace MLNet.Gelu.Bert.Tests.Serving;

/// <summary>The bounded queue: a request that does not fit waits its turn, or is rejected with a specific exception.</summary>
public sealed class BackpressureTests
{
    [Fact]
    public async Task Wait_mode_holds_a_request_that_does_not_fit_until_there_is_room()
    {
        for (var repeat = 0; repeat < 10; repeat++)
        {
            await using var generator = Serving.Toy(new BertEmbeddingGeneratorOptions { MaxQueuedTexts = 4 });
            var gate = new LoopGate(generator);
            var running = generator.GenerateAsync(["a"]);
            gate.WaitHeld();

            var fills = generator.GenerateAsync(["b", "c", "d", "e"]);
            var waits = generator.GenerateAsync(["f"]);
            var waitsToo = generator.GenerateAsync(["g"]);
            Assert.Equal(4, generator.Coalescer.QueuedTexts);
            Assert.Equal(2, generator.Coalescer.WaitingRequests);
            Assert.False(waits.IsCompleted);
            gate.Open();
            await Task.WhenAll(running, fills, waits, waitsToo).WaitAsync(Serving.Patience);

            Serving.AssertRun(gate.Runs.ElementAt(2), "f", "g");
            Serving.AssertEqualsAlone(["b", "c", "d", "e"], await fills, Serving.ToyAlone);
            Serving.AssertEqualsAlone(["f"], await waits, Serving.ToyAlone);
            Serving.AssertEqualsAlone(["g"], await waitsToo, Serving.ToyAlone);
        }
    }

    [Fact]
    public async Task Waiting_requests_are_admitted_first_come_first_served()
    {
        await using var generator = Serving.Toy(new BertEmbeddingGeneratorOptions { MaxQueuedTexts = 4 });
        var gate = new LoopGate(generator);
        var running = generator.GenerateAsync(["a"]);
        gate.WaitHeld();

        var queued = generator.GenerateAsync(["b", "c", "d"]);
        var tooLarge = generator.GenerateAsync(["e", "f"]);
        var wouldFit = generator.GenerateAsync(["g"]);

        Assert.Equal(3, generator.Coalescer.QueuedTexts);
        Assert.Equal(2, generator.Coalescer.WaitingRequests);
        gate.Open();
        await Task.WhenAll(running, queued, tooLarge, wouldFit).WaitAsync(Serving.Patience);
        Serving.AssertRun(gate.Runs.ElementAt(1), "b", "c", "d");
        Serving.AssertRun(gate.Runs.ElementAt(2), "e", "f", "g");
    }

    [Fact]
    public async Task Reject_mode_throws_EmbeddingQueueFullException_at_once_and_queues_nothing()
    {
        await using var generator = Serving.Toy(new BertEmbeddingGeneratorOptions { MaxQueuedTexts = 4, QueueFullMode = QueueFullMode.Reject });
        var gate = new LoopGate(generator);
        var running = generator.GenerateAsync(["a"]);
        gate.WaitHeld();
        var fills = generator.GenerateAsync(["b", "c", "d", "e"]);

        var rejected = Record.Exception(() => { _ = generator.GenerateAsync(["f"]); });

        var full = Assert.IsType<EmbeddingQueueFullException>(rejected);
        Assert.IsAssignableFrom<InvalidOperationException>(full);
        Assert.Equal((1, 4, 4), (full.RequestedTexts, full.QueuedTexts, full.MaxQueuedTexts));
        Assert.Contains("MaxQueuedTexts", full.Message, StringComparison.Ordinal);
        Assert.Equal(4, generator.Coalescer.QueuedTexts);
        Assert.Equal(0, generator.Coalescer.WaitingRequests);
        gate.Open();
        await Task.WhenAll(running, fills).WaitAsync(Serving.Patience);
        Assert.DoesNotContain(gate.Runs, run => run.Contains("f"));
        Assert.Equal(5, generator.Coalescer.TextsScored);

        // Room again: the same request is accepted.
        Serving.AssertEqualsAlone(["f"], await generator.GenerateAsync(["f"]), Serving.ToyAlone);
    }

    [Theory]
    [InlineData(QueueFullMode.Wait)]
    [InlineData(QueueFullMode.Reject)]
    public async Task A_request_larger_than_the_queue_runs_once_nothing_else_is_queued(QueueFullMode mode)
    {
        await using var generator = Serving.Toy(new BertEmbeddingGeneratorOptions { MaxQueuedTexts = 4, WindowSize = 4, QueueFullMode = mode });
        var large = Enumerable.Range(0, 10).Select(Serving.ToyText).ToArray();

        // Into an empty queue: admitted, and scored window by window.
        Serving.AssertEqualsAlone(large, await generator.GenerateAsync(large).WaitAsync(Serving.Patience), Serving.ToyAlone);
        Assert.Equal(3, generator.Coalescer.Rounds);

        // Behind a queued text: rejected, or waits until that text is taken.
        var gate = new LoopGate(generator);
        var running = generator.GenerateAsync(["a"]);
        gate.WaitHeld();
        var queued = generator.GenerateAsync(["b"]);
        if (mode == QueueFullMode.Reject)
        {
            Assert.IsType<EmbeddingQueueFullException>(Record.Exception(() => { _ = generator.GenerateAsync(large); }));
            gate.Open();
        }
        else
        {
            var waiting = generator.GenerateAsync(large);
            Assert.Equal(1, generator.Coalescer.WaitingRequests);
            gate.Open();
            Serving.AssertEqualsAlone(large, await waiting.WaitAsync(Serving.Patience), Serving.ToyAlone);
        }

        await Task.WhenAll(running, queued).WaitAsync(Serving.Patience);
        Assert.Equal(0, generator.Coalescer.QueuedTexts);
    }
}

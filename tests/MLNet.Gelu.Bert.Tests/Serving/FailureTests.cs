namespace MLNet.Gelu.Bert.Tests.Serving;

/// <summary>
/// A failing model run: each request that shared it is retried alone once; one that fails alone gets the exception, the
/// others succeed, and the generator keeps serving. Failures are injected through the loop's test seam.
/// </summary>
public sealed class FailureTests
{
    [Fact]
    public async Task A_failing_run_fails_only_the_request_that_fails_alone_and_the_generator_keeps_serving()
    {
        await using var generator = Serving.Toy();
        for (var repeat = 0; repeat < 20; repeat++)
        {
            var runsBefore = generator.Coalescer.ModelRuns;
            var gate = new LoopGate(generator) { Fail = texts => texts.Contains("poison") ? new InjectedModelFailure("the model failed") : null };
            var first = generator.GenerateAsync(["a"]);
            gate.WaitHeld();
            var before = generator.GenerateAsync(["b", "c c"]);
            var poisoned = generator.GenerateAsync(["d", "poison", "e"]);
            var after = generator.GenerateAsync(["f"]);
            gate.Open();

            var failure = await Assert.ThrowsAsync<InjectedModelFailure>(() => poisoned.WaitAsync(Serving.Patience));
            Assert.Equal("the model failed", failure.Message);
            Serving.AssertEqualsAlone(["b", "c c"], await before.WaitAsync(Serving.Patience), Serving.ToyAlone);
            Serving.AssertEqualsAlone(["f"], await after.WaitAsync(Serving.Patience), Serving.ToyAlone);
            await first;

            // The held run, the shared run that failed, then each of its three requests alone.
            var runs = gate.Runs.ToArray();
            Assert.Equal(5, runs.Length);
            Serving.AssertRun(runs[1], "b", "c c", "d", "poison", "e", "f");
            Serving.AssertRun(runs[2], "b", "c c");
            Serving.AssertRun(runs[3], "d", "poison", "e");
            Serving.AssertRun(runs[4], "f");
            Assert.Equal(5, generator.Coalescer.ModelRuns - runsBefore);

            // Still serving.
            generator.Coalescer.BeforeModelRun = null;
            Serving.AssertEqualsAlone(["g g"], await generator.GenerateAsync(["g g"]).WaitAsync(Serving.Patience), Serving.ToyAlone);
        }
    }

    [Fact]
    public async Task A_transient_failure_is_healed_by_the_retry_alone()
    {
        await using var generator = Serving.Toy();
        var failures = 0;
        var gate = new LoopGate(generator)
        {
            Fail = texts => texts.Count > 1 && Interlocked.Increment(ref failures) == 1 ? new InjectedModelFailure("once") : null,
        };
        var first = generator.GenerateAsync(["a"]);
        gate.WaitHeld();
        var one = generator.GenerateAsync(["b"]);
        var two = generator.GenerateAsync(["c c"]);
        gate.Open();

        Serving.AssertEqualsAlone(["b"], await one.WaitAsync(Serving.Patience), Serving.ToyAlone);
        Serving.AssertEqualsAlone(["c c"], await two.WaitAsync(Serving.Patience), Serving.ToyAlone);
        await first;
        Assert.Equal(4, generator.Coalescer.ModelRuns);
    }

    [Fact]
    public async Task A_run_of_a_single_request_is_not_retried()
    {
        await using var generator = Serving.Toy();
        generator.Coalescer.BeforeModelRun = _ => throw new InjectedModelFailure("alone");

        await Assert.ThrowsAsync<InjectedModelFailure>(() => generator.GenerateAsync(["a", "b"]).WaitAsync(Serving.Patience));

        Assert.Equal(1, generator.Coalescer.ModelRuns);
        generator.Coalescer.BeforeModelRun = null;
        Serving.AssertEqualsAlone(["a", "b"], await generator.GenerateAsync(["a", "b"]), Serving.ToyAlone);
    }

    [Fact]
    public async Task A_request_failing_in_one_of_its_windows_fails_whole_and_its_remaining_texts_are_dropped()
    {
        await using var generator = Serving.Toy(new BertEmbeddingGeneratorOptions { WindowSize = 4 });
        var gate = new LoopGate(generator, closed: false) { Fail = texts => texts.Contains("poison") ? new InjectedModelFailure("window 2") : null };
        string[] texts = ["a", "b", "c", "d", "e", "poison", "f", "g", "h", "a a"];

        await Assert.ThrowsAsync<InjectedModelFailure>(() => generator.GenerateAsync(texts).WaitAsync(Serving.Patience));

        Assert.Equal(2, gate.Runs.Count);
        Assert.Equal(8, generator.Coalescer.TextsScored);
        Assert.Equal(0, generator.Coalescer.QueuedTexts);
        Serving.AssertEqualsAlone(["a a"], await generator.GenerateAsync(["a a"]), Serving.ToyAlone);
    }
}

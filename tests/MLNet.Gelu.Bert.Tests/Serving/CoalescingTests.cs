using Microsoft.Extensions.Time.Testing;

namespace MLNet.Gelu.Bert.Tests.Serving;

/// <summary>When the scoring loop runs and what one round takes, told by its counters, never by wall time.</summary>
public sealed class CoalescingTests
{
    [Fact]
    public async Task A_lone_request_on_an_idle_generator_runs_at_once_in_a_round_of_its_own()
    {
        // The clock never moves: a request that completes did not wait for time.
        await using var generator = Serving.Toy(time: new FakeTimeProvider());

        for (var i = 1; i <= 20; i++)
        {
            string[] texts = [Serving.ToyText(i), Serving.ToyText(i + 30)];
            var result = await generator.GenerateAsync(texts).WaitAsync(Serving.Patience);

            Serving.AssertEqualsAlone(texts, result, Serving.ToyAlone);
            Assert.Equal(i, generator.Coalescer.Rounds);
            Assert.Equal(i, generator.Coalescer.ModelRuns);
            Assert.Equal(2 * i, generator.Coalescer.TextsScored);
        }
    }

    [Fact]
    public async Task Requests_that_arrive_while_the_model_runs_share_the_next_round()
    {
        for (var repeat = 0; repeat < 10; repeat++)
        {
            await using var generator = Serving.Toy();
            var gate = new LoopGate(generator);
            var first = generator.GenerateAsync(["h"]);
            gate.WaitHeld();
            var texts = Enumerable.Range(repeat, 64).Select(Serving.ToyText).ToArray();

            var requests = texts.Select(t => generator.GenerateAsync([t])).ToArray();
            Assert.Equal(64, generator.Coalescer.QueuedTexts);
            gate.Open();
            var results = await Task.WhenAll(requests).WaitAsync(Serving.Patience);

            await first;
            Assert.Equal(2, generator.Coalescer.Rounds);
            Assert.Equal(64, generator.Coalescer.LargestRun);
            Serving.AssertRun(gate.Runs.ElementAt(1), texts);
            for (var i = 0; i < texts.Length; i++)
            {
                Serving.AssertEqualsAlone([texts[i]], results[i], Serving.ToyAlone);
            }
        }
    }

    [Fact]
    public async Task MaxQueueDelay_holds_a_round_until_the_window_fills_or_the_delay_has_passed()
    {
        var clock = new FakeTimeProvider();
        await using var generator = Serving.Toy(new BertEmbeddingGeneratorOptions { MaxQueueDelay = TimeSpan.FromSeconds(1), WindowSize = 4 }, clock);

        // Four single texts fill the window: one round, although the clock never reached the delay.
        var requests = new[] { "a", "b b", "c", "d d d" }.Select(t => generator.GenerateAsync([t])).ToArray();
        await Task.WhenAll(requests).WaitAsync(Serving.Patience);
        Assert.Equal(1, generator.Coalescer.Rounds);
        Assert.Equal(4, generator.Coalescer.LargestRun);

        // One text alone waits for the delay: it runs only once the clock has moved a whole second. (The clock moves in
        // steps: a timer armed while the clock jumps counts from after the jump, as a real timer would.)
        var alone = generator.GenerateAsync(["e e"]);
        var advanced = TimeSpan.Zero;
        var deadline = DateTime.UtcNow + Serving.Patience;
        while (!alone.IsCompleted)
        {
            Assert.True(DateTime.UtcNow < deadline, "The lone request never ran.");
            clock.Advance(TimeSpan.FromMilliseconds(100));
            advanced += TimeSpan.FromMilliseconds(100);
            await Task.Delay(1);
        }

        Assert.True(advanced >= TimeSpan.FromSeconds(1), $"The lone request ran after {advanced.TotalMilliseconds} ms of its 1 s delay.");
        Serving.AssertEqualsAlone(["e e"], await alone, Serving.ToyAlone);
        Assert.Equal(2, generator.Coalescer.Rounds);
    }

    [Fact]
    public async Task On_the_real_clock_a_lone_request_runs_once_its_MaxQueueDelay_has_passed()
    {
        await using var generator = Serving.Toy(new BertEmbeddingGeneratorOptions { MaxQueueDelay = TimeSpan.FromMilliseconds(5) });

        for (var i = 1; i <= 5; i++)
        {
            var result = await generator.GenerateAsync([Serving.ToyText(i)]).WaitAsync(Serving.Patience);

            Serving.AssertEqualsAlone([Serving.ToyText(i)], result, Serving.ToyAlone);
            Assert.Equal(i, generator.Coalescer.Rounds);
        }
    }

    [Fact]
    public async Task A_request_larger_than_the_window_is_scored_window_by_window_taking_turns_with_later_requests()
    {
        await using var generator = Serving.Toy(new BertEmbeddingGeneratorOptions { WindowSize = 4 });
        var gate = new LoopGate(generator);
        var large = Enumerable.Range(0, 10).Select(Serving.ToyText).ToArray();

        var big = generator.GenerateAsync(large);
        gate.WaitHeld();
        var small = generator.GenerateAsync(["h h"]);
        gate.Open();
        var bigResult = await big.WaitAsync(Serving.Patience);
        var smallResult = await small.WaitAsync(Serving.Patience);

        var runs = gate.Runs.ToArray();
        Assert.Equal(3, runs.Length);
        Serving.AssertRun(runs[0], large[..4]);
        Serving.AssertRun(runs[1], ["h h", .. large[4..7]]);
        Serving.AssertRun(runs[2], large[7..]);
        Serving.AssertEqualsAlone(large, bigResult, Serving.ToyAlone);
        Serving.AssertEqualsAlone(["h h"], smallResult, Serving.ToyAlone);
        Assert.Equal(large.Sum(Serving.ToyTokens), bigResult.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task A_request_of_100000_texts_streams_through_rounds_no_larger_than_the_window()
    {
        await using var generator = Serving.Toy();
        var texts = Enumerable.Range(0, 100_000).Select(Serving.ToyText).ToArray();

        var result = await generator.GenerateAsync(texts).WaitAsync(Serving.Patience);

        Serving.AssertEqualsAlone(texts, result, Serving.ToyAlone);
        Assert.Equal(texts.Sum(Serving.ToyTokens), result.Usage?.InputTokenCount);
        Assert.Equal((100_000 + 255) / 256, generator.Coalescer.Rounds);
        Assert.Equal(256, generator.Coalescer.LargestRun);
        Assert.Equal(100_000, generator.Coalescer.TextsScored);
        Assert.Equal(0, generator.Coalescer.QueuedTexts);
    }
}

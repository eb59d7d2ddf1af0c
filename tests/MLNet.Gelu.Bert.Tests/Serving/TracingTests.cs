using System.Collections.Concurrent;
using System.Diagnostics;

namespace MLNet.Gelu.Bert.Tests.Serving;

/// <summary>
/// One span per model run on the "MLNet.Gelu.Bert" source. The source is process-wide, so each test serves a toy under a
/// name of its own and keeps only the spans tagged with it.
/// </summary>
public sealed class TracingTests : IDisposable
{
    private const string Prefix = "mlnet.gelu.embedding.batch.";

    private const string CallersName = "MLNet.Gelu.Bert.Tests.Callers";

    private static readonly ActivitySource Callers = new(CallersName);

    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();

    public TracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is BertEmbeddingGenerator.ActivitySourceName or CallersName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task Each_model_run_is_one_root_span_with_its_shape_linked_to_its_callers()
    {
        using var creator = Callers.StartActivity("creates the generator");
        await using var generator = new BertEmbeddingGenerator(Serving.UniqueToyModel());
        creator?.Stop();
        var gate = new LoopGate(generator);
        var first = generator.GenerateAsync(["a"]);
        gate.WaitHeld();
        Task second, third;
        ActivityContext secondCaller, thirdCaller;
        using (var caller = Callers.StartActivity("caller 2")!)
        {
            secondCaller = caller.Context;
            second = generator.GenerateAsync(["a", "a a a"]);
        }

        using (var caller = Callers.StartActivity("caller 3")!)
        {
            thirdCaller = caller.Context;
            third = generator.GenerateAsync(["b b"]);
        }

        gate.Open();
        await Task.WhenAll(first, second, third).WaitAsync(Serving.Patience);

        var spans = SpansOf(generator);
        Assert.Equal(2, spans.Length);
        Assert.All(spans, span =>
        {
            Assert.Equal("mlnet.gelu.embedding.batch", span.OperationName);
            Assert.Equal(ActivityKind.Internal, span.Kind);
            Assert.Equal(default, span.ParentSpanId);
            Assert.Equal(ActivityStatusCode.Unset, span.Status);
            Assert.Equal(false, span.GetTagItem(Prefix + "retry"));
        });
        Assert.Equal(1, spans[0].GetTagItem(Prefix + "rows"));
        Assert.Equal(3L, spans[0].GetTagItem(Prefix + "tokens"));
        Assert.Equal(0.0, spans[0].GetTagItem(Prefix + "padding"));
        Assert.Equal(1, spans[0].GetTagItem(Prefix + "requests"));
        Assert.Equal(3, spans[1].GetTagItem(Prefix + "rows"));
        Assert.Equal(12L, spans[1].GetTagItem(Prefix + "tokens"));
        Assert.Equal(0.2, spans[1].GetTagItem(Prefix + "padding"));
        Assert.Equal(2, spans[1].GetTagItem(Prefix + "requests"));
        Assert.Equal(new[] { secondCaller, thirdCaller }, spans[1].Links.Select(l => l.Context));
        Assert.Empty(spans[0].Links);
    }

    [Fact]
    public async Task A_failed_run_ends_with_an_error_status_and_its_retries_alone_are_spans_of_their_own()
    {
        await using var generator = new BertEmbeddingGenerator(Serving.UniqueToyModel());
        var gate = new LoopGate(generator) { Fail = texts => texts.Contains("poison") ? new InjectedModelFailure("the model failed") : null };
        var first = generator.GenerateAsync(["a"]);
        gate.WaitHeld();
        var healthy = generator.GenerateAsync(["b", "c c"]);
        var poisoned = generator.GenerateAsync(["poison"]);
        gate.Open();
        await Assert.ThrowsAsync<InjectedModelFailure>(() => poisoned.WaitAsync(Serving.Patience));
        await Task.WhenAll(first, healthy).WaitAsync(Serving.Patience);

        var spans = SpansOf(generator);
        Assert.Equal(4, spans.Length);
        var shared = spans[1];
        Assert.Equal(ActivityStatusCode.Error, shared.Status);
        Assert.Equal("the model failed", shared.StatusDescription);
        Assert.Equal(typeof(InjectedModelFailure).FullName, shared.GetTagItem("error.type"));
        Assert.Equal("exception", Assert.Single(shared.Events).Name);
        Assert.Equal(3, shared.GetTagItem(Prefix + "rows"));
        Assert.Null(shared.GetTagItem(Prefix + "padding"));

        var healed = spans[2];
        Assert.Equal(true, healed.GetTagItem(Prefix + "retry"));
        Assert.Equal(ActivityStatusCode.Unset, healed.Status);
        Assert.Equal(2, healed.GetTagItem(Prefix + "rows"));
        var failedAlone = spans[3];
        Assert.Equal(true, failedAlone.GetTagItem(Prefix + "retry"));
        Assert.Equal(ActivityStatusCode.Error, failedAlone.Status);
        Assert.Equal(1, failedAlone.GetTagItem(Prefix + "rows"));
    }

    [Fact]
    public async Task Spans_under_many_concurrent_callers_account_for_every_text_once()
    {
        for (var round = 0; round < 6; round++)
        {
            await using var generator = new BertEmbeddingGenerator(Serving.UniqueToyModel(), new BertEmbeddingGeneratorOptions { WindowSize = 8 });
            var contexts = new ConcurrentBag<ActivityContext>();
            var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(caller => Task.Run(async () =>
            {
                using var activity = Callers.StartActivity("caller") 
                    ?? throw new InvalidOperationException($"null activity, listeners {Callers.HasListeners()} round {round} caller {caller} current {Activity.Current?.OperationName}");
                contexts.Add(activity.Context);
                return await generator.GenerateAsync(Enumerable.Range(0, 1 + (caller % 5)).Select(i => Serving.ToyText(caller + i))).WaitAsync(Serving.Patience);
            }))).WaitAsync(Serving.Patience);

            var spans = SpansOf(generator);
            Assert.Equal(generator.Coalescer.ModelRuns, spans.Length);
            Assert.Equal(results.Sum(r => r.Count), spans.Sum(s => (int)s.GetTagItem(Prefix + "rows")!));
            Assert.Equal(results.Sum(r => r.Usage!.InputTokenCount!.Value), spans.Sum(s => (long)s.GetTagItem(Prefix + "tokens")!));
            Assert.All(spans, s => Assert.Equal(default, s.ParentSpanId));
            Assert.True(spans.SelectMany(s => s.Links).Select(l => l.Context).ToHashSet().SetEquals(contexts));
        }
    }

    /// <summary>The stopped spans of this generator's model, in the order they stopped.</summary>
    private Activity[] SpansOf(BertEmbeddingGenerator generator) =>
        [.. _stopped.Where(a => a.Source.Name == BertEmbeddingGenerator.ActivitySourceName && Equals(a.GetTagItem("gen_ai.request.model"), generator.Model.Name))];
}

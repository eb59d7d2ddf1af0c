using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace MLNet.Gelu.Bert.Tests.Serving;

/// <summary>
/// The generator's instruments on the meter "MLNet.Gelu.Bert", read with <see cref="MetricCollector{T}"/> through a meter
/// factory of the test's own (so that other tests' generators are not seen): exact values on toy runs whose texts,
/// tokens and batches are known by hand.
/// </summary>
public sealed class MetricsTests : IDisposable
{
    private const string Model = "gen_ai.request.model";

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task A_known_run_records_its_rows_tokens_and_padding_and_the_queue_its_texts()
    {
        using var rows = Collect<int>("mlnet.gelu.embedding.batch.rows");
        using var tokens = Collect<long>("mlnet.gelu.embedding.batch.tokens");
        using var padding = Collect<double>("mlnet.gelu.embedding.batch.padding");
        using var queue = Collect<long>("mlnet.gelu.embedding.queue.length");
        using var requests = Collect<long>("mlnet.gelu.embedding.requests");
        await using var generator = Serving.Toy(new BertEmbeddingGeneratorOptions { MeterFactory = Meters });
        var gate = new LoopGate(generator);
        var first = generator.GenerateAsync(["a"]);
        gate.WaitHeld();
        var second = generator.GenerateAsync(["a", "a a a"]);
        var third = generator.GenerateAsync(["b b"]);
        gate.Open();
        await Task.WhenAll(first, second, third).WaitAsync(Serving.Patience);

        // Run 1: "a" alone, 3 tokens, no padding. Run 2: 3, 5 and 4 tokens in one batch padded to 5: 12 of 15 positions.
        Assert.Equal(new[] { 1, 3 }, Values(rows));
        Assert.Equal(new[] { 3L, 12L }, Values(tokens));
        Assert.Equal(new[] { 0.0, 0.2 }, Values(padding));
        Assert.Equal(new[] { 1L, -1L, 2L, 1L, -3L }, Values(queue));
        Assert.Equal(new[] { 1L, 1L, 1L }, Values(requests));
        foreach (var measurement in new IEnumerable<IReadOnlyDictionary<string, object?>>[]
            {
                rows.GetMeasurementSnapshot().Select(m => m.Tags), tokens.GetMeasurementSnapshot().Select(m => m.Tags),
                padding.GetMeasurementSnapshot().Select(m => m.Tags), queue.GetMeasurementSnapshot().Select(m => m.Tags),
                requests.GetMeasurementSnapshot().Select(m => m.Tags),
            }.SelectMany(t => t))
        {
            Assert.Equal(generator.Model.Name, Assert.Single(measurement, t => t.Key == Model).Value);
        }
    }

    [Fact]
    public async Task A_chunked_text_counts_one_row_and_every_windows_tokens()
    {
        using var rows = Collect<int>("mlnet.gelu.embedding.batch.rows");
        using var tokens = Collect<long>("mlnet.gelu.embedding.batch.tokens");
        using var padding = Collect<double>("mlnet.gelu.embedding.batch.padding");
        await using var generator = Serving.Toy(new BertEmbeddingGeneratorOptions { MeterFactory = Meters, LongText = BertLongTextMode.Chunk, MaxTokens = 6, ChunkOverlap = 1 });

        var result = await generator.GenerateAsync(["a b c d e f g"]).WaitAsync(Serving.Patience);

        // 7 word pieces in windows of 4 sharing 1: [a b c d] [d e f g], 6 tokens each with [CLS] and [SEP], one batch of 12 positions.
        Assert.Equal(new[] { 1 }, Values(rows));
        Assert.Equal(new[] { 12L }, Values(tokens));
        Assert.Equal(new[] { 0.0 }, Values(padding));
        Assert.Equal(12, result.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task A_rejected_request_is_counted_once_as_rejected_and_once_as_a_request_and_has_no_duration()
    {
        using var rejected = Collect<long>("mlnet.gelu.embedding.rejected_requests");
        using var requests = Collect<long>("mlnet.gelu.embedding.requests");
        using var durations = Collect<double>("mlnet.gelu.embedding.request.duration");
        await using var generator = Serving.Toy(new BertEmbeddingGeneratorOptions { MaxQueuedTexts = 2, QueueFullMode = QueueFullMode.Reject, MeterFactory = Meters });
        var gate = new LoopGate(generator);
        var running = generator.GenerateAsync(["a"]);
        gate.WaitHeld();
        var fills = generator.GenerateAsync(["b", "c"]);

        await Assert.ThrowsAsync<EmbeddingQueueFullException>(() => generator.GenerateAsync(["d"]));

        var measurement = Assert.Single(rejected.GetMeasurementSnapshot());
        Assert.Equal(1, measurement.Value);
        Assert.Equal(generator.Model.Name, measurement.Tags[Model]);
        Assert.Equal(3, requests.GetMeasurementSnapshot().Sum(m => m.Value));
        gate.Open();
        await Task.WhenAll(running, fills).WaitAsync(Serving.Patience);
        Assert.Equal(2, durations.GetMeasurementSnapshot().Count);
        Assert.Single(rejected.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task Request_duration_runs_from_the_call_to_the_outcome_and_names_the_error()
    {
        var time = new FakeTimeProvider();
        using var durations = Collect<double>("mlnet.gelu.embedding.request.duration");
        await using var generator = Serving.Toy(new BertEmbeddingGeneratorOptions { MeterFactory = Meters }, time);
        var gate = new LoopGate(generator) { Fail = texts => texts.Contains("poison") ? new InjectedModelFailure("the model failed") : null };
        var first = generator.GenerateAsync(["a"]);
        gate.WaitHeld();
        time.Advance(TimeSpan.FromMilliseconds(250));
        using var cancellation = new CancellationTokenSource();
        var cancelled = generator.GenerateAsync(["b"], cancellationToken: cancellation.Token);
        var poisoned = generator.GenerateAsync(["poison"]);
        time.Advance(TimeSpan.FromMilliseconds(500));
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Serving.Patience));
        time.Advance(TimeSpan.FromMilliseconds(125));
        gate.Open();
        await first.WaitAsync(Serving.Patience);
        await Assert.ThrowsAsync<InjectedModelFailure>(() => poisoned.WaitAsync(Serving.Patience));

        var measurements = durations.GetMeasurementSnapshot();
        Assert.Equal(3, measurements.Count);
        var canceled = Assert.Single(measurements, m => Equals(m.Tags.GetValueOrDefault("error.type"), typeof(OperationCanceledException).FullName));
        Assert.Equal(0.5, canceled.Value);
        var succeeded = Assert.Single(measurements, m => !m.Tags.ContainsKey("error.type"));
        Assert.Equal(0.875, succeeded.Value);
        var failed = Assert.Single(measurements, m => Equals(m.Tags.GetValueOrDefault("error.type"), typeof(InjectedModelFailure).FullName));
        Assert.Equal(0.625, failed.Value);
        Assert.All(measurements, m => Assert.Equal(generator.Model.Name, m.Tags[Model]));
    }

    [Fact]
    public async Task A_generator_without_a_meter_factory_measures_on_the_process_wide_meter()
    {
        await using var generator = new BertEmbeddingGenerator(Serving.UniqueToyModel());
        using var requests = new MetricCollector<long>(meterScope: null, BertEmbeddingGenerator.MeterName, "mlnet.gelu.embedding.requests");
        using var rows = new MetricCollector<int>(meterScope: null, BertEmbeddingGenerator.MeterName, "mlnet.gelu.embedding.batch.rows");

        await generator.GenerateAsync(["a", "b b"]).WaitAsync(Serving.Patience);

        Assert.Equal(new[] { 1L }, requests.GetMeasurementSnapshot().Where(m => Equals(m.Tags[Model], generator.Model.Name)).Select(m => m.Value));
        Assert.Equal(new[] { 2 }, rows.GetMeasurementSnapshot().Where(m => Equals(m.Tags[Model], generator.Model.Name)).Select(m => m.Value));
    }

    [Fact]
    public async Task Under_many_concurrent_callers_every_instrument_adds_up()
    {
        var random = new Random(7);
        int allCancelled = 0, allRejected = 0;
        for (var round = 0; round < 8; round++)
        {
            using var requests = Collect<long>("mlnet.gelu.embedding.requests");
            using var rejected = Collect<long>("mlnet.gelu.embedding.rejected_requests");
            using var queue = Collect<long>("mlnet.gelu.embedding.queue.length");
            using var durations = Collect<double>("mlnet.gelu.embedding.request.duration");
            using var rows = Collect<int>("mlnet.gelu.embedding.batch.rows");
            using var tokens = Collect<long>("mlnet.gelu.embedding.batch.tokens");
            using var padding = Collect<double>("mlnet.gelu.embedding.batch.padding");
            var mode = round % 2 == 0 ? QueueFullMode.Wait : QueueFullMode.Reject;
            await using var generator = Serving.Toy(new BertEmbeddingGeneratorOptions { MaxQueuedTexts = 24, WindowSize = 16, QueueFullMode = mode, MeterFactory = Meters });
            var calls = Enumerable.Range(0, 48).Select(caller => (Texts: Enumerable.Range(0, 1 + random.Next(6)).Select(i => Serving.ToyText(caller + i)).ToArray(),
                Cancel: random.Next(5) == 0, CancelLater: random.Next(2) == 0)).ToArray();

            // The loop is held while the callers arrive, so the queue fills (waits, rejections) and some cancel while queued;
            // others cancel once it runs again, racing their runs.
            var gate = new LoopGate(generator);
            var first = generator.GenerateAsync(["a"]);
            gate.WaitHeld();
            var submitted = 0;
            var callers = calls.Select(call => Task.Run(async () =>
            {
                using var cancellation = new CancellationTokenSource();
                Task<GeneratedEmbeddings<Embedding<float>>> pending;
                try
                {
                    pending = generator.GenerateAsync(call.Texts, cancellationToken: cancellation.Token);
                }
                catch (EmbeddingQueueFullException)
                {
                    return -2L;
                }
                finally
                {
                    Interlocked.Increment(ref submitted);
                }

                try
                {
                    if (call.Cancel)
                    {
                        if (call.CancelLater)
                        {
                            await Task.Yield();
                        }

                        await cancellation.CancelAsync();
                    }

                    return (await pending.WaitAsync(Serving.Patience)).Usage!.InputTokenCount!.Value;
                }
                catch (OperationCanceledException)
                {
                    return -1L;
                }
            })).ToArray();
            Serving.WaitUntil(() => Volatile.Read(ref submitted) == calls.Length, "every caller submitted");
            gate.Open();
            var outcomes = await Task.WhenAll(callers).WaitAsync(Serving.Patience);
            var firstTokens = (await first).Usage!.InputTokenCount!.Value;

            var rejections = outcomes.Count(o => o == -2);
            allRejected += rejections;
            allCancelled += outcomes.Count(o => o == -1);
            Assert.Equal(calls.Length + 1, requests.GetMeasurementSnapshot().Sum(m => m.Value));
            Assert.Equal(rejections, rejected.GetMeasurementSnapshot().Sum(m => m.Value));
            Assert.Equal(calls.Length + 1 - rejections, durations.GetMeasurementSnapshot().Count);
            Assert.Equal(outcomes.Count(o => o == -1), durations.GetMeasurementSnapshot().Count(m => m.Tags.ContainsKey("error.type")));
            Assert.Equal(0, queue.GetMeasurementSnapshot().Sum(m => m.Value));
            Assert.Equal(generator.Coalescer.TextsScored, rows.GetMeasurementSnapshot().Sum(m => (long)m.Value));
            Assert.Equal(generator.Coalescer.ModelRuns, rows.GetMeasurementSnapshot().Count);
            Assert.Equal(generator.Coalescer.ModelRuns, padding.GetMeasurementSnapshot().Count);
            Assert.All(padding.GetMeasurementSnapshot(), m => Assert.InRange(m.Value, 0.0, 1.0));
            if (mode == QueueFullMode.Reject)
            {
                Assert.True(rejections > 0, "The held queue turned callers away.");
            }

            // Requests cancelled after their run count tokens the caller never saw; without cancellations they add up exactly.
            var served = firstTokens + outcomes.Where(o => o >= 0).Sum();
            Assert.True(tokens.GetMeasurementSnapshot().Sum(m => m.Value) >= served);
            if (!outcomes.Contains(-1))
            {
                Assert.Equal(served, tokens.GetMeasurementSnapshot().Sum(m => m.Value));
            }
        }

        Assert.True(allCancelled > 0, "Some callers cancelled.");
        Assert.True(allRejected > 0, "Some callers were rejected.");
    }

    private MetricCollector<T> Collect<T>(string instrument)
        where T : struct => new(Meters, BertEmbeddingGenerator.MeterName, instrument);

    private static T[] Values<T>(MetricCollector<T> collector)
        where T : struct => [.. collector.GetMeasurementSnapshot().Select(m => m.Value)];
}

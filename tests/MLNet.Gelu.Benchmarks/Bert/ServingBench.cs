using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using EmbeddingService;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using MLNet.Gelu.Bert;
using MLNet.Gelu.Datasets;

namespace MLNet.Gelu.Benchmarks.Bert;

/// <summary>
/// <c>--serving</c>: N concurrent callers, each sending single texts one after another (a closed loop) until 1,000 UCI
/// sentences (<c>--texts N</c> for another number) are embedded, with all-MiniLM-L6-v2 on 2 intra-op threads.
/// Throughput and per-request latency percentiles for (a) <see cref="BertEmbeddingGenerator"/>, (b) the same with
/// <c>MaxQueueDelay</c> = 2 ms, (c) a <see cref="BertEmbedder.Embed(string?)"/> call per request, and (e) the same callers
/// through the HTTP service (samples/EmbeddingService, started in this process on 127.0.0.1: an OpenAI-style
/// <c>POST /v1/embeddings</c> per text, base64 answers, one pooled connection per caller, over its own generator as (a)),
/// and (f) a <c>Predict</c> per request on prediction engines taken from an <see cref="ObjectPool{T}"/> (as a web app pools
/// them) over one <c>ScoreBert</c> transformer, one thread per caller, whose concurrent predictions share runs;
/// (d), the baseline, is <see cref="BertEmbedder.Embed(IReadOnlyList{string?})"/> of all texts at once. Ratios are
/// throughput relative to (d). Not a unit test: it prints a table.
/// </summary>
internal static class ServingBench
{
    private static readonly int[] Concurrency = [1, 8, 64, 256];
    private static readonly Dictionary<BertEmbeddingGenerator, long> LastRounds = [];
    private static readonly Dictionary<BertEmbeddingGenerator, long> LastTexts = [];
    private static long _lastCombinedRounds;
    private static long _lastCombinedRows;

    public static int Run(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        int[] levels = Concurrency;
        int at = Array.IndexOf(args, "--callers");
        if (at >= 0 && at + 1 < args.Length)
        {
            levels = args[at + 1].Split(',').Select(int.Parse).ToArray();
        }

        int repetitions = 3;
        at = Array.IndexOf(args, "--repetitions");
        if (at >= 0 && at + 1 < args.Length)
        {
            repetitions = int.Parse(args[at + 1], CultureInfo.InvariantCulture);
        }

        int count = 1000;
        at = Array.IndexOf(args, "--texts");
        if (at >= 0 && at + 1 < args.Length)
        {
            count = int.Parse(args[at + 1], CultureInfo.InvariantCulture);
        }

        string modes = "abcef";
        at = Array.IndexOf(args, "--modes");
        if (at >= 0 && at + 1 < args.Length)
        {
            modes = args[at + 1];
        }

        string? plotPath = null;
        at = Array.IndexOf(args, "--plot");
        if (at >= 0 && at + 1 < args.Length)
        {
            plotPath = args[at + 1];
        }

        IReadOnlyList<SentimentSentence> all = UciSentiment.Load();
        string[] texts = Enumerable.Range(0, count).Select(i => all[(int)((long)i * all.Count / count)].Text).ToArray();
        using BertEmbedder embedder = BertScoringBenchmarks.NewEmbedder();
        using var generator = new BertEmbeddingGenerator(BertModel.AllMiniLmL6V2(), GeneratorOptions(TimeSpan.Zero));
        using var delayed = new BertEmbeddingGenerator(BertModel.AllMiniLmL6V2(), GeneratorOptions(TimeSpan.FromMilliseconds(2)));
        using var served = new BertEmbeddingGenerator(BertModel.AllMiniLmL6V2(), GeneratorOptions(TimeSpan.Zero) with { QueueFullMode = QueueFullMode.Reject });
        using var service = HttpService.Start(served, levels.Max());
        var ml = new MLContext(seed: 1);
        using BertScoringTransformer scoring = ml.Transforms.ScoreBert("Embedding", "Text", ScoringOptions()).Fit(ml.Data.LoadFromEnumerable(new[] { new TextRow() }));
        var engines = new DefaultObjectPool<PredictionEngine<TextRow, EmbeddingRow>>(new EnginePolicy(ml, scoring), levels.Max());

        Console.WriteLine($"{count} UCI sentences, all-MiniLM-L6-v2, 2 intra-op threads, {Environment.ProcessorCount} cores; " +
            "callers send one text per request, each waiting for its answer before the next.");

        // Warm-up: every path once (the HTTP one opens a connection per caller of the largest level).
        embedder.Embed(texts.Take(64).ToArray());
        generator.GenerateAsync(texts.Take(64)).GetAwaiter().GetResult();
        delayed.GenerateAsync(texts.Take(64)).GetAwaiter().GetResult();
        HttpPass(service, texts.Take(Math.Max(64, levels.Max())).ToArray(), levels.Max());
        EnginePass(engines, texts.Take(Math.Max(64, levels.Max())).ToArray(), levels.Max());
        _lastCombinedRounds = scoring.Combiner.Rounds;
        _lastCombinedRows = scoring.Combiner.RowsScored;
        foreach (BertEmbeddingGenerator g in new[] { generator, delayed, served })
        {
            LastRounds[g] = g.Coalescer.Rounds;
            LastTexts[g] = g.Coalescer.TextsScored;
        }

        // The modes of one level run back to back, each repetition beside its own offline pass, so a busy machine
        // slows them alike; a row reports the median over the repetitions (latencies pooled).
        Console.WriteLine($"{repetitions} repetitions per row; texts/s and the ratios to (d) are medians, latencies pooled over the repetitions. " +
            "texts/CPU-s divides by the process's CPU time instead of the wall clock: on a machine shared with other work, a mode with more " +
            "runnable threads gets a larger share of the cores, which inflates its wall-clock rate but not this one.");
        Console.WriteLine();
        Console.WriteLine("| mode | callers | texts/s | vs (d) | texts/CPU-s | vs (d) | p50 ms | p95 ms | p99 ms | rounds | texts/round |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var offline = new List<double>();
        var offlineCpu = new List<double>();
        var points = new List<ServingPlot.Point>();
        foreach (int callers in levels)
        {
            var rows = new Dictionary<string, Measured>();
            for (int repetition = 0; repetition < repetitions; repetition++)
            {
                var (seconds, cpuSeconds) = Timed(() => embedder.Embed(texts));
                var baseline = (Wall: count / seconds, Cpu: count / cpuSeconds);
                offline.Add(baseline.Wall);
                offlineCpu.Add(baseline.Cpu);
                if (modes.Contains('a'))
                {
                    Add(rows, "(a) BertEmbeddingGenerator", GeneratorPass(generator, texts, callers), baseline, generator);
                }

                if (modes.Contains('b'))
                {
                    Add(rows, "(b) generator, MaxQueueDelay 2 ms", GeneratorPass(delayed, texts, callers), baseline, delayed);
                }

                if (modes.Contains('c'))
                {
                    Add(rows, "(c) BertEmbedder.Embed per call", EmbedderPass(embedder, texts, callers), baseline, null);
                }

                if (modes.Contains('e'))
                {
                    Add(rows, "(e) HTTP service, loopback", HttpPass(service, texts, callers), baseline, served);
                }

                if (modes.Contains('f'))
                {
                    Add(rows, "(f) pooled PredictionEngines, one ScoreBert model", EnginePass(engines, texts, callers), baseline, null);
                    CountCombined(rows["(f) pooled PredictionEngines, one ScoreBert model"], scoring.Combiner);
                }
            }

            foreach (var (mode, measured) in rows)
            {
                double[] sorted = [.. measured.Latencies.Order()];
                points.Add(new ServingPlot.Point(mode, callers, Percentile(sorted, 0.50), Percentile(sorted, 0.99), Median(measured.Throughputs)));
                Console.WriteLine($"| {mode} | {callers} | {Median(measured.Throughputs):0} | {Median(measured.Ratios):0.00} | " +
                    $"{Median(measured.CpuThroughputs):0} | {Median(measured.CpuRatios):0.00} | {Percentile(sorted, 0.50):0.0} | " +
                    $"{Percentile(sorted, 0.95):0.0} | {Percentile(sorted, 0.99):0.0} | " +
                    (measured.Rounds > 0 ? $"{measured.Rounds / repetitions} | {measured.Texts / (double)measured.Rounds:0.0} |" : " | |"));
            }
        }

        Console.WriteLine($"| (d) offline Embed(all {count:N0}) | 1 | {Median(offline):0} | 1.00 | {Median(offlineCpu):0} | 1.00 | " +
            $"{count / Median(offline) * 1000:0} (the call) | | | | |");
        if (plotPath is not null)
        {
            ServingPlot.Save(points, $"{count} UCI sentences, all-MiniLM-L6-v2, one text per request: latency against load", plotPath);
            Console.WriteLine($"Plot: {plotPath}");
        }

        return 0;
    }

    private static BertEmbeddingGeneratorOptions GeneratorOptions(TimeSpan delay) => new()
    {
        IntraOpThreads = 2,
        InterOpThreads = 1,
        SessionConfigEntries = new Dictionary<string, string>
        {
            ["session.intra_op.allow_spinning"] = "0",
            ["session.inter_op.allow_spinning"] = "0",
        },
        MaxQueueDelay = delay,
    };

    private static BertScoringOptions ScoringOptions() => new()
    {
        IntraOpThreads = 2,
        InterOpThreads = 1,
        SessionConfigEntries = new Dictionary<string, string>
        {
            ["session.intra_op.allow_spinning"] = "0",
            ["session.inter_op.allow_spinning"] = "0",
        },
    };

    /// <summary>The combiner's rounds and rows since the previous pass, counted like the generators' rounds.</summary>
    private static void CountCombined(Measured measured, RowCombiner combiner)
    {
        measured.Rounds += combiner.Rounds - _lastCombinedRounds;
        measured.Texts += combiner.RowsScored - _lastCombinedRows;
        _lastCombinedRounds = combiner.Rounds;
        _lastCombinedRows = combiner.RowsScored;
    }

    private static Pass EnginePass(ObjectPool<PredictionEngine<TextRow, EmbeddingRow>> engines, string[] texts, int callers) =>
        ThreadPass(texts, callers, text =>
        {
            PredictionEngine<TextRow, EmbeddingRow> engine = engines.Get();
            try
            {
                engine.Predict(new TextRow { Text = text });
            }
            finally
            {
                engines.Return(engine);
            }
        });

    private static Pass GeneratorPass(BertEmbeddingGenerator generator, string[] texts, int callers)
    {
        var latencies = new double[texts.Length];
        int next = -1;
        TimeSpan cpu = CpuTime();
        long start = Stopwatch.GetTimestamp();
        Task[] tasks = Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            for (int i = Interlocked.Increment(ref next); i < texts.Length; i = Interlocked.Increment(ref next))
            {
                long sent = Stopwatch.GetTimestamp();
                await generator.GenerateAsync([texts[i]]).ConfigureAwait(false);
                latencies[i] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            }
        })).ToArray();
        Task.WaitAll(tasks);
        return new Pass(Stopwatch.GetElapsedTime(start).TotalSeconds, (CpuTime() - cpu).TotalSeconds, latencies);
    }

    private static Pass EmbedderPass(BertEmbedder embedder, string[] texts, int callers) => ThreadPass(texts, callers, text => embedder.Embed(text));

    /// <summary>A closed loop per caller on its own thread: each takes the next text, calls, and records the latency.</summary>
    private static Pass ThreadPass(string[] texts, int callers, Action<string> call)
    {
        var latencies = new double[texts.Length];
        int next = -1;
        TimeSpan cpu = CpuTime();
        long start = Stopwatch.GetTimestamp();
        Thread[] threads = Enumerable.Range(0, callers).Select(_ => new Thread(() =>
        {
            for (int i = Interlocked.Increment(ref next); i < texts.Length; i = Interlocked.Increment(ref next))
            {
                long sent = Stopwatch.GetTimestamp();
                call(texts[i]);
                latencies[i] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            }
        })).ToArray();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        return new Pass(Stopwatch.GetElapsedTime(start).TotalSeconds, (CpuTime() - cpu).TotalSeconds, latencies);
    }

    private static Pass HttpPass(HttpService service, string[] texts, int callers)
    {
        var latencies = new double[texts.Length];
        byte[][] bodies = texts.Select(HttpService.Body).ToArray();
        int next = -1;
        TimeSpan cpu = CpuTime();
        long start = Stopwatch.GetTimestamp();
        Task[] tasks = Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            for (int i = Interlocked.Increment(ref next); i < texts.Length; i = Interlocked.Increment(ref next))
            {
                long sent = Stopwatch.GetTimestamp();
                await service.EmbedAsync(bodies[i]).ConfigureAwait(false);
                latencies[i] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            }
        })).ToArray();
        Task.WaitAll(tasks);
        return new Pass(Stopwatch.GetElapsedTime(start).TotalSeconds, (CpuTime() - cpu).TotalSeconds, latencies);
    }

    private static void Add(Dictionary<string, Measured> rows, string mode, Pass pass, (double Wall, double Cpu) baseline, BertEmbeddingGenerator? generator)
    {
        if (!rows.TryGetValue(mode, out Measured? measured))
        {
            rows[mode] = measured = new Measured();
        }

        double throughput = pass.Latencies.Length / pass.Seconds;
        double cpuThroughput = pass.Latencies.Length / pass.CpuSeconds;
        measured.Throughputs.Add(throughput);
        measured.Ratios.Add(throughput / baseline.Wall);
        measured.CpuThroughputs.Add(cpuThroughput);
        measured.CpuRatios.Add(cpuThroughput / baseline.Cpu);
        measured.Latencies.AddRange(pass.Latencies);
        if (generator is not null)
        {
            // The generator's counters since its previous pass.
            measured.Rounds += generator.Coalescer.Rounds - LastRounds[generator];
            measured.Texts += generator.Coalescer.TextsScored - LastTexts[generator];
            LastRounds[generator] = generator.Coalescer.Rounds;
            LastTexts[generator] = generator.Coalescer.TextsScored;
        }
    }

    private static TimeSpan CpuTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private static (double Seconds, double CpuSeconds) Timed(Action action)
    {
        TimeSpan cpu = CpuTime();
        long start = Stopwatch.GetTimestamp();
        action();
        return (Stopwatch.GetElapsedTime(start).TotalSeconds, (CpuTime() - cpu).TotalSeconds);
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private sealed record Pass(double Seconds, double CpuSeconds, double[] Latencies);

    /// <summary>samples/EmbeddingService in this process on 127.0.0.1 (a free port) over a given generator, and a client
    /// with a connection per caller.</summary>
    private sealed class HttpService : IDisposable
    {
        private readonly WebApplication _app;
        private readonly HttpClient _http;

        private HttpService(WebApplication app, HttpClient http)
        {
            _app = app;
            _http = http;
        }

        /// <summary>Starts the service over <paramref name="generator"/> (which stays the caller's to dispose) and waits until it is ready.</summary>
        public static HttpService Start(BertEmbeddingGenerator generator, int connections)
        {
            var app = EmbeddingServiceApp.Create(
                ["--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"],
                services => services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(generator));
            app.StartAsync().GetAwaiter().GetResult();
            var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = new Uri(app.Urls.Single()) };
            var deadline = Stopwatch.StartNew();
            while (http.GetAsync(EmbeddingServiceApp.ReadinessRoute).GetAwaiter().GetResult().StatusCode != HttpStatusCode.OK)
            {
                if (deadline.Elapsed > TimeSpan.FromMinutes(1))
                {
                    throw new InvalidOperationException("The embedding service did not become ready within a minute.");
                }

                Thread.Sleep(10);
            }

            return new HttpService(app, http);
        }

        /// <summary>The request body for one text, as the OpenAI clients send it (base64 answers).</summary>
        public static byte[] Body(string text) => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["input"] = new[] { text },
            ["model"] = "all-MiniLM-L6-v2",
            ["encoding_format"] = "base64",
        });

        /// <summary>Posts one request and reads the whole answer; anything but 200 stops the benchmark.</summary>
        public async Task EmbedAsync(byte[] body)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            using var response = await _http.PostAsync(EmbeddingServiceApp.EmbeddingsRoute, content).ConfigureAwait(false);
            byte[] answer = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"The service answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(answer)}");
            }
        }

        public void Dispose()
        {
            _http.Dispose();
            _app.StopAsync().GetAwaiter().GetResult();
            ((IDisposable)_app).Dispose();
        }
    }

    private sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    private sealed class EmbeddingRow
    {
        public float[] Embedding { get; set; } = [];
    }

    /// <summary>Engines that leave the shared transformer alone when disposed.</summary>
    private sealed class EnginePolicy(MLContext ml, ITransformer transformer) : IPooledObjectPolicy<PredictionEngine<TextRow, EmbeddingRow>>
    {
        public PredictionEngine<TextRow, EmbeddingRow> Create() =>
            ml.Model.CreatePredictionEngine<TextRow, EmbeddingRow>(transformer, new PredictionEngineOptions { OwnsTransformer = false });

        public bool Return(PredictionEngine<TextRow, EmbeddingRow> obj) => true;
    }

    private sealed class Measured
    {
        public List<double> Throughputs { get; } = [];

        public List<double> Ratios { get; } = [];

        public List<double> CpuThroughputs { get; } = [];

        public List<double> CpuRatios { get; } = [];

        public List<double> Latencies { get; } = [];

        public long Rounds { get; set; }

        public long Texts { get; set; }
    }
}

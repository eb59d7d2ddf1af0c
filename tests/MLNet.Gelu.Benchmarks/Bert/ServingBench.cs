using System.Diagnostics;
using System.Globalization;
using MLNet.Gelu.Bert;
using MLNet.Gelu.Datasets;

namespace MLNet.Gelu.Benchmarks.Bert;

/// <summary>
/// <c>--serving</c>: N concurrent callers, each sending single texts one after another (a closed loop) until 1,000 UCI
/// sentences are embedded, with all-MiniLM-L6-v2 on 2 intra-op threads. Throughput and per-request latency percentiles
/// for (a) <see cref="BertEmbeddingGenerator"/>, (b) the same with <c>MaxQueueDelay</c> = 2 ms, and (c) a
/// <see cref="BertEmbedder.Embed(string?)"/> call per request; (d), the baseline, is <see cref="BertEmbedder.Embed(IReadOnlyList{string?})"/>
/// of all 1,000 at once. Ratios are throughput relative to (d). Not a unit test: it prints a table.
/// </summary>
internal static class ServingBench
{
    private const int Texts = 1000;
    private static readonly int[] Concurrency = [1, 8, 64, 256];
    private static readonly Dictionary<BertEmbeddingGenerator, long> LastRounds = [];
    private static readonly Dictionary<BertEmbeddingGenerator, long> LastTexts = [];

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

        IReadOnlyList<SentimentSentence> all = UciSentiment.Load();
        string[] texts = Enumerable.Range(0, Texts).Select(i => all[(int)((long)i * all.Count / Texts)].Text).ToArray();
        using BertEmbedder embedder = BertScoringBenchmarks.NewEmbedder();
        using var generator = new BertEmbeddingGenerator(BertModel.AllMiniLmL6V2(), GeneratorOptions(TimeSpan.Zero));
        using var delayed = new BertEmbeddingGenerator(BertModel.AllMiniLmL6V2(), GeneratorOptions(TimeSpan.FromMilliseconds(2)));

        Console.WriteLine($"{Texts} UCI sentences, all-MiniLM-L6-v2, 2 intra-op threads, {Environment.ProcessorCount} cores; " +
            "callers send one text per request, each waiting for its answer before the next.");

        // Warm-up: every path once.
        embedder.Embed(texts.Take(64).ToArray());
        generator.GenerateAsync(texts.Take(64)).GetAwaiter().GetResult();
        delayed.GenerateAsync(texts.Take(64)).GetAwaiter().GetResult();
        foreach (BertEmbeddingGenerator g in new[] { generator, delayed })
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
        foreach (int callers in levels)
        {
            var rows = new Dictionary<string, Measured>();
            for (int repetition = 0; repetition < repetitions; repetition++)
            {
                var (seconds, cpuSeconds) = Timed(() => embedder.Embed(texts));
                var baseline = (Wall: Texts / seconds, Cpu: Texts / cpuSeconds);
                offline.Add(baseline.Wall);
                offlineCpu.Add(baseline.Cpu);
                Add(rows, "(a) BertEmbeddingGenerator", GeneratorPass(generator, texts, callers), baseline, generator);
                Add(rows, "(b) generator, MaxQueueDelay 2 ms", GeneratorPass(delayed, texts, callers), baseline, delayed);
                Add(rows, "(c) BertEmbedder.Embed per call", EmbedderPass(embedder, texts, callers), baseline, null);
            }

            foreach (var (mode, measured) in rows)
            {
                double[] sorted = [.. measured.Latencies.Order()];
                Console.WriteLine($"| {mode} | {callers} | {Median(measured.Throughputs):0} | {Median(measured.Ratios):0.00} | " +
                    $"{Median(measured.CpuThroughputs):0} | {Median(measured.CpuRatios):0.00} | {Percentile(sorted, 0.50):0.0} | " +
                    $"{Percentile(sorted, 0.95):0.0} | {Percentile(sorted, 0.99):0.0} | " +
                    (measured.Rounds > 0 ? $"{measured.Rounds / repetitions} | {measured.Texts / (double)measured.Rounds:0.0} |" : " | |"));
            }
        }

        Console.WriteLine($"| (d) offline Embed(all 1,000) | 1 | {Median(offline):0} | 1.00 | {Median(offlineCpu):0} | 1.00 | {Texts / Median(offline) * 1000:0} (the call) | | | | |");
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

    private static Pass EmbedderPass(BertEmbedder embedder, string[] texts, int callers)
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
                embedder.Embed(texts[i]);
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

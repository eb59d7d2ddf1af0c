using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using MLNet.Gelu.Bert;
using MLNet.Gelu.Bert.Orleans.Tests.Support;

namespace MLNet.Gelu.Benchmarks.Bert;

/// <summary>
/// <c>--cluster</c>: bulk throughput of all-MiniLM-L6-v2 over UCI sentences (1,000, <c>--texts N</c> for another number)
/// through an Orleans cluster of <c>samples/ClusterSilo</c> processes with Redis membership (redis-server must be on the
/// PATH), against the in-process generator. (1) Overhead: one silo on 2 intra-op threads against an in-process
/// <see cref="BertEmbeddingGenerator"/> on 2 threads fed the same chunks. (2) Scaling: two silos on 1 intra-op thread each
/// against one such silo. Chunks of 64 texts, 8 in flight (<c>--chunk N</c>, <c>--inflight N</c>). Rounds interleave the
/// two sides (<c>--rounds R</c>, default 3); the best rate of each is reported. Every cluster pass also reports the CPU
/// seconds of the client and of each silo process, the chunks each silo answered, and how busy the whole machine was, and
/// the summary derives from them the CPU cost per text and the ceiling two silos can reach on this machine's cores.
/// <c>--only scaling</c> skips (1). Not a unit test: it prints tables.
/// </summary>
internal static class ClusterBench
{
    public static int Run(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        int texts = Option(args, "--texts", 1000), rounds = Option(args, "--rounds", 3);
        var bulk = new BertEmbeddingClusterOptions
        {
            ChunkSize = Option(args, "--chunk", 64),
            MaxChunksInFlight = Option(args, "--inflight", 8),
            RequestTimeout = TimeSpan.FromMinutes(5),
        };
        bool overheadToo = !(args.Contains("--only") && args[Array.IndexOf(args, "--only") + 1] == "scaling");
        string[] corpus = [.. BertCorpus.Sentences().Take(texts)];
        SiloProcess.Executable = SampleBuild();
        using var redis = new RedisServer();
        Console.WriteLine($"{corpus.Length} UCI sentences, all-MiniLM-L6-v2, chunks of {bulk.ChunkSize}, {bulk.MaxChunksInFlight} in flight, " +
            $"best of {rounds} rounds; {Environment.ProcessorCount} cores; load average {File.ReadAllText("/proc/loadavg").Trim()}");

        var local = new List<double>();
        var oneSilo = new List<ClusterPassUsage>();
        if (overheadToo)
        {
            using var generator = new BertEmbeddingGenerator(null, Options(2));
            LocalPass(generator, corpus, bulk);                                   // warm-up
            for (var round = 0; round < rounds; round++)
            {
                local.Add(LocalPass(generator, corpus, bulk));
                oneSilo.Add(ClusterPass(redis, silos: 1, threads: 2, corpus, bulk));
                Console.WriteLine($"  round {round + 1}: in-process {local[^1]:F0}/s; {oneSilo[^1].Describe()}");
            }
        }

        var two = new List<ClusterPassUsage>();
        var one = new List<ClusterPassUsage>();
        for (var round = 0; round < rounds; round++)
        {
            two.Add(ClusterPass(redis, silos: 2, threads: 1, corpus, bulk));
            Console.WriteLine($"  round {round + 1}: {two[^1].Describe()}");
            one.Add(ClusterPass(redis, silos: 1, threads: 1, corpus, bulk));
            Console.WriteLine($"  round {round + 1}: {one[^1].Describe()}");
        }

        double scaling = two.Max(p => p.Rate) / one.Max(p => p.Rate);
        Console.WriteLine();
        Console.WriteLine("| measurement | texts/s | ratio | target |");
        Console.WriteLine("|---|---|---|---|");
        if (overheadToo)
        {
            double overhead = oneSilo.Max(p => p.Rate) / local.Max();
            Console.WriteLine($"| in-process generator, 2 threads | {local.Max():F0} | 1.00 | |");
            Console.WriteLine($"| 1 silo, 2 threads (cluster path) | {oneSilo.Max(p => p.Rate):F0} | {overhead:F2} | >= 0.85 {(overhead >= 0.85 ? "met" : "not met")} |");
        }

        Console.WriteLine($"| 1 silo, 1 thread | {one.Max(p => p.Rate):F0} | 1.00 | |");
        Console.WriteLine($"| 2 silos, 1 thread each | {two.Max(p => p.Rate):F0} | {scaling:F2} | >= 1.8 {(scaling >= 1.8 ? "met" : "not met")} |");
        Console.WriteLine($"| 2 silos vs 1, per round | | {string.Join(", ", two.Zip(one, (t, o) => (t.Rate / o.Rate).ToString("F2", CultureInfo.InvariantCulture)))} | |");
        Console.WriteLine();
        if (overheadToo)
        {
            double perChunkMs = ((1 / oneSilo.Max(p => p.Rate)) - (1 / local.Max())) * bulk.ChunkSize * 1000;
            Console.WriteLine($"dispatch overhead (wall): {perChunkMs:F1} ms per chunk of {bulk.ChunkSize} (best rates)");
        }

        CpuSummary(one, two, bulk);
        return 0;
    }

    /// <summary>The CPU view of the scaling passes (means over rounds), which other jobs on a shared machine do not distort.</summary>
    private static void CpuSummary(List<ClusterPassUsage> one, List<ClusterPassUsage> two, BertEmbeddingClusterOptions bulk)
    {
        Console.WriteLine("| scaling passes (mean of rounds) | 1 silo x 1 thread | 2 silos x 1 thread |");
        Console.WriteLine("|---|---|---|");
        Row("silo CPU ms per text (all silos)", p => p.SiloCpuMsPerText, "F2");
        Row("client CPU ms per chunk", p => p.ClientCpuMsPerChunk, "F1");
        Row("busy cores per silo (CPU-s / wall-s)", p => p.PerSilo.Average(s => s.CpuSeconds) / p.Seconds, "F2");
        Row("cores used by client + silos", p => p.OurCores, "F2");
        Row("cores busy on the machine (all processes)", p => p.MachineBusyCores, "F2");
        Console.WriteLine($"| chunks per silo, each round | {Chunks(one)} | {Chunks(two)} |");
        Console.WriteLine();

        // On a quiet machine of C cores, two silos reach at most C / (CPU per text of the 2-silo cluster, client included),
        // and at most twice what one silo reaches (each is one intra-op thread).
        int cores = Environment.ProcessorCount;
        double perText2 = two.Average(p => (p.SiloCpuSeconds + p.ClientCpuSeconds) / p.Texts);
        double perText1 = one.Average(p => (p.SiloCpuSeconds + p.ClientCpuSeconds) / p.Texts);
        double oneRate = one.Max(p => p.Rate), busy1 = one.Average(p => p.OurCores);
        double ceiling = Math.Min(cores / perText2, 2 * oneRate) / oneRate;
        Console.WriteLine($"CPU per text, client included: 1 silo {perText1 * 1000:F2} ms, 2 silos {perText2 * 1000:F2} ms ({(perText2 / perText1):F2}x).");
        Console.WriteLine($"One silo on one intra-op thread keeps {busy1:F2} cores busy (client included): on {cores} quiet cores two such silos " +
            $"reach at most {Math.Min(cores / busy1, 2):F2}x one silo by cores alone; with the 2-silo cluster's measured CPU per text, at most {ceiling:F2}x " +
            $"(the best 1-silo rate {oneRate:F0}/s against {cores} cores / {perText2 * 1000:F2} ms).");
        double clientPerChunk = two.Concat(one).Average(p => p.ClientCpuMsPerChunk);
        double siloChunkMs = one.Average(p => p.SiloCpuMsPerText) * bulk.ChunkSize;
        Console.WriteLine($"The client spends {clientPerChunk:F1} CPU-ms per chunk of {bulk.ChunkSize} against a silo's {siloChunkMs:F0} CPU-ms: " +
            $"one client core keeps about {siloChunkMs / clientPerChunk:F0} such silos busy.");

        void Row(string name, Func<ClusterPassUsage, double> value, string format) =>
            Console.WriteLine($"| {name} | {one.Average(value).ToString(format, CultureInfo.InvariantCulture)} | {two.Average(value).ToString(format, CultureInfo.InvariantCulture)} |");

        static string Chunks(List<ClusterPassUsage> passes) => string.Join(", ", passes.Select(p => string.Join("/", p.PerSilo.Select(s => s.Chunks))));
    }

    private static BertEmbeddingGeneratorOptions Options(int threads) => new()
    {
        IntraOpThreads = threads,
        SessionConfigEntries = new Dictionary<string, string> { ["session.intra_op.allow_spinning"] = "0" },
    };

    /// <summary>The in-process generator fed the chunks a bulk job sends, as many in flight; texts per second.</summary>
    private static double LocalPass(BertEmbeddingGenerator generator, string[] corpus, BertEmbeddingClusterOptions bulk)
    {
        var start = Stopwatch.GetTimestamp();
        using var window = new SemaphoreSlim(bulk.MaxChunksInFlight);
        var chunks = corpus.Chunk(bulk.ChunkSize).Select(async chunk =>
        {
            await window.WaitAsync();
            try
            {
                await generator.GenerateAsync(chunk);
            }
            finally
            {
                window.Release();
            }
        });
        Task.WhenAll(chunks).GetAwaiter().GetResult();
        return corpus.Length / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>A fresh cluster of <paramref name="silos"/> silos; one warm-up job, then the measured one, with its CPU use.</summary>
    private static ClusterPassUsage ClusterPass(RedisServer redis, int silos, int threads, string[] corpus, BertEmbeddingClusterOptions bulk)
    {
        return Run().GetAwaiter().GetResult();

        async Task<ClusterPassUsage> Run()
        {
            await using var cluster = await ProcessCluster.StartAsync(redis, silos, bulk, model: null, threads);
            await WarmUp(cluster, silos, corpus, bulk);
            var answered = new ConcurrentQueue<EmbeddingReply>();
            cluster.Generator.Calls.AfterAnswer = answered.Enqueue;
            var siloCpu = cluster.Silos.Select(s => s.TotalProcessorTime).ToArray();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var machine = ClusterPassUsage.MachineCpu();
            var start = Stopwatch.GetTimestamp();
            var rows = await Drain(cluster.Generator.EmbedManyAsync(corpus));
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var machineBusy = ClusterPassUsage.MachineCpu().Busy - machine.Busy;
            var clientCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            cluster.Generator.Calls.AfterAnswer = null;
            if (rows != corpus.Length)
            {
                throw new InvalidOperationException($"The cluster returned {rows} rows for {corpus.Length} texts.");
            }

            var perSilo = cluster.Silos.Select((silo, i) =>
            {
                var port = $":{silo.SiloPort.ToString(CultureInfo.InvariantCulture)}:";
                var mine = answered.Where(r => r.Silo!.Contains(port, StringComparison.Ordinal)).ToList();
                return new SiloUsage(silo.SiloPort, mine.Count, mine.Sum(r => r.Count), (silo.TotalProcessorTime - siloCpu[i]).TotalSeconds);
            }).ToList();
            return new ClusterPassUsage(silos, threads, corpus.Length, bulk.ChunkSize, seconds, clientCpu, perSilo, machineBusy / seconds);
        }
    }

    /// <summary>Until every silo has answered (each loads its model on its first request), then one bulk pass over part of the corpus.</summary>
    private static async Task WarmUp(ProcessCluster cluster, int silos, string[] corpus, BertEmbeddingClusterOptions bulk)
    {
        var calls = new ClusterCalls(cluster.Client, bulk);
        var answered = new HashSet<string>();
        for (var i = 0; i < 200 && answered.Count < silos; i++)
        {
            answered.Add((await calls.CallAsync(corpus[..8], null, null, retryQueueFull: true, CancellationToken.None)).Silo!);
        }

        await Drain(cluster.Generator.EmbedManyAsync(corpus.Take(bulk.ChunkSize * bulk.MaxChunksInFlight)));
    }

    private static async Task<int> Drain(IAsyncEnumerable<Microsoft.Extensions.AI.Embedding<float>> embeddings)
    {
        var rows = 0;
        await foreach (var _ in embeddings)
        {
            rows++;
        }

        return rows;
    }

    /// <summary>samples/ClusterSilo's own Release build (built with this harness): this app's folder lacks the ASP.NET
    /// Core connection packages the silo needs, which the shared framework supplies here.</summary>
    private static string SampleBuild()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "MLNet.Gelu.sln")))
        {
            folder = folder.Parent;
        }

        string silo = Path.Combine(folder?.FullName ?? ".", "samples", "ClusterSilo", "bin", "Release", "net10.0", "ClusterSilo.dll");
        return File.Exists(silo) ? silo : throw new FileNotFoundException("Build the harness in Release first (it builds samples/ClusterSilo).", silo);
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}

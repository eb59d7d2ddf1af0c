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
    /// <summary>How long each silo's idle CPU use is measured before a pass.</summary>
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(2);

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

        Console.WriteLine($"  warm-up pass, not counted: {ClusterPass(redis, silos: 2, threads: 1, corpus[..Math.Min(corpus.Length, 4 * bulk.ChunkSize)], bulk).Describe()}");
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
        Row("silo CPU ms per text beyond idle", p => p.SiloNetCpuMsPerText, "F2");
        Row("client CPU ms per chunk", p => p.ClientCpuMsPerChunk, "F1");
        Row("idle cores of the client just before the pass", p => p.ClientIdleCores, "F3");
        Row("busy cores per silo (CPU-s / wall-s)", p => p.PerSilo.Average(s => s.CpuSeconds) / p.Seconds, "F2");
        Row("idle cores per silo just before the pass", p => p.PerSilo.Average(s => s.IdleCores), "F3");
        Row("cores used by client + silos", p => p.OurCores, "F2");
        Row("cores busy on the machine (all processes)", p => p.MachineBusyCores, "F2");
        Console.WriteLine($"| chunks per silo, each round | {Chunks(one)} | {Chunks(two)} |");
        Console.WriteLine();

        // Two silos on C cores reach at most C / W2 texts/s (W2: CPU per text of the 2-silo cluster, client included), and one
        // silo on one intra-op thread at most 1 / (its own CPU per text): the ratio is at most C x (1-silo silo CPU per text) / W2,
        // and at most 2. CPU times, which other jobs on a shared machine do not distort, except that a slow pass lets every
        // process's idle work (timers, membership probes, GC, tiered JIT; measured just before each pass) add up for longer:
        // the gross figures give a lower ceiling, the silos' figures beyond idle (which also drop deferred work) an upper one.
        // (The client's own idle window is too short and noisy to subtract: its gross figure is used throughout.)
        int cores = Environment.ProcessorCount;
        Ceiling("gross", p => p.SiloCpuMsPerText, p => p.ClientCpuMsPerChunk, 0);
        Ceiling("silos beyond idle", p => p.SiloNetCpuMsPerText, p => p.ClientCpuMsPerChunk, two.Average(p => p.PerSilo.Sum(s => s.IdleCores)));
        Console.WriteLine($"Silo CPU ms per text by thread name, 1 silo: {ByName(one)}");
        Console.WriteLine($"Silo CPU ms per text by thread name, 2 silos: {ByName(two)}");
        Console.WriteLine($"With this run's best 1-silo rate ({one.Max(p => p.Rate):F0}/s; a busy machine lowers it) and gross CPU: at most " +
            $"{Math.Min(2, cores / (two.Average(p => p.SiloCpuMsPerText + (p.ClientCpuMsPerChunk / bulk.ChunkSize)) / 1000) / one.Max(p => p.Rate)):F2}x.");

        void Ceiling(string kind, Func<ClusterPassUsage, double> siloMsPerText, Func<ClusterPassUsage, double> clientMsPerChunk, double idleCores)
        {
            double perText1 = one.Average(p => siloMsPerText(p) + (clientMsPerChunk(p) / bulk.ChunkSize));
            double perText2 = two.Average(p => siloMsPerText(p) + (clientMsPerChunk(p) / bulk.ChunkSize));
            double silo1 = one.Average(siloMsPerText);
            Console.WriteLine($"CPU ms per text ({kind}), client included: 1 silo {perText1:F2}, 2 silos {perText2:F2} ({perText2 / perText1:F2}x); " +
                $"ceiling for 2 silos vs 1 on {cores} cores: {Math.Min(2, (cores - idleCores) * silo1 / perText2):F2}x (({cores} - {idleCores:F2} idle) cores x {silo1:F2} / {perText2:F2}).");
        }

        double clientPerChunk = two.Concat(one).Average(p => p.ClientCpuMsPerChunk);
        double siloChunkMs = one.Average(p => p.SiloNetCpuMsPerText) * bulk.ChunkSize;
        Console.WriteLine($"The client spends {clientPerChunk:F1} CPU-ms per chunk of {bulk.ChunkSize} against a silo's {siloChunkMs:F0} CPU-ms: " +
            $"one client core keeps about {siloChunkMs / clientPerChunk:F0} such silos busy.");

        void Row(string name, Func<ClusterPassUsage, double> value, string format) =>
            Console.WriteLine($"| {name} | {one.Average(value).ToString(format, CultureInfo.InvariantCulture)} | {two.Average(value).ToString(format, CultureInfo.InvariantCulture)} |");

        static string ByName(List<ClusterPassUsage> passes) => string.Join(", ", passes.SelectMany(p => p.SiloCpuByThreadName())
            .GroupBy(t => t.Name).Select(g => (Name: g.Key, Ms: g.Sum(t => t.MsPerText) / passes.Count)).Where(t => t.Ms >= 0.01)
            .OrderByDescending(t => t.Ms).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Name} {t.Ms:F2}")));

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
            var idle = cluster.Silos.Select(s => s.TotalProcessorTime).ToArray();
            var clientIdle = Process.GetCurrentProcess().TotalProcessorTime;
            await Task.Delay(IdleWindow);
            var siloCpu = cluster.Silos.Select(s => s.TotalProcessorTime).ToArray();
            var siloThreads = cluster.Silos.Select(s => ClusterPassUsage.ThreadCpu(s.Id)).ToArray();
            var clientIdleCores = (Process.GetCurrentProcess().TotalProcessorTime - clientIdle).TotalSeconds / IdleWindow.TotalSeconds;
            var answered = new ConcurrentQueue<EmbeddingReply>();
            cluster.Generator.Calls.AfterAnswer = answered.Enqueue;
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
                return new SiloUsage(silo.SiloPort, mine.Count, mine.Sum(r => r.Count), (silo.TotalProcessorTime - siloCpu[i]).TotalSeconds,
                    ClusterPassUsage.ByThreadName(siloThreads[i], ClusterPassUsage.ThreadCpu(silo.Id)), (siloCpu[i] - idle[i]).TotalSeconds / IdleWindow.TotalSeconds);
            }).ToList();
            return new ClusterPassUsage(silos, threads, corpus.Length, bulk.ChunkSize, seconds, clientCpu, clientIdleCores, perSilo, machineBusy / seconds);
        }
    }

    /// <summary>Until every silo has answered (each loads its model on its first request), then one bulk pass over the whole
    /// corpus: a freshly started silo spends a fifth of its CPU in the tiered JIT's background compiler during its first
    /// thousand texts (and two silos twice that), which a long-running silo does not.</summary>
    private static async Task WarmUp(ProcessCluster cluster, int silos, string[] corpus, BertEmbeddingClusterOptions bulk)
    {
        var calls = new ClusterCalls(cluster.Client, bulk);
        var answered = new HashSet<string>();
        for (var i = 0; i < 200 && answered.Count < silos; i++)
        {
            answered.Add((await calls.CallAsync(corpus[..8], null, null, retryQueueFull: true, CancellationToken.None)).Silo!);
        }

        await Drain(cluster.Generator.EmbedManyAsync(corpus));
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

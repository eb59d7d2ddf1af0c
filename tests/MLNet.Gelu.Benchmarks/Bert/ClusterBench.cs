using System.Diagnostics;
using System.Globalization;
using MLNet.Gelu.Bert;
using MLNet.Gelu.Bert.Orleans.Tests.Support;

namespace MLNet.Gelu.Benchmarks.Bert;

/// <summary>
/// <c>--cluster</c>: bulk throughput of all-MiniLM-L6-v2 over UCI sentences (1,000, <c>--texts N</c> for another number)
/// through an Orleans cluster of <c>samples/ClusterSilo</c> processes with Redis membership (redis-server must be on the
/// PATH), against the in-process generator. (1) Overhead: one silo on 2 intra-op threads against an in-process
/// <see cref="BertEmbeddingGenerator"/> on 2 threads fed the same chunks (64 texts, 8 in flight). (2) Scaling: two silos
/// on 1 intra-op thread each against one such silo. Rounds interleave the two sides (<c>--rounds R</c>, default 3);
/// the best of each is reported. Not a unit test: it prints a table.
/// </summary>
internal static class ClusterBench
{
    private static readonly BertEmbeddingClusterOptions Bulk = new() { ChunkSize = 64, MaxChunksInFlight = 8, RequestTimeout = TimeSpan.FromMinutes(5) };

    public static int Run(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        int texts = Option(args, "--texts", 1000), rounds = Option(args, "--rounds", 3);
        string[] corpus = [.. BertCorpus.Sentences().Take(texts)];
        SiloProcess.Executable = SampleBuild();
        using var redis = new RedisServer();
        Console.WriteLine($"{corpus.Length} UCI sentences, all-MiniLM-L6-v2, chunks of {Bulk.ChunkSize}, {Bulk.MaxChunksInFlight} in flight, " +
            $"best of {rounds} rounds; {Environment.ProcessorCount} cores");

        var local = new List<double>();
        var oneSilo = new List<double>();
        var clientCpu = new List<double>();
        using (var generator = new BertEmbeddingGenerator(null, Options(2)))
        {
            LocalPass(generator, corpus);                                   // warm-up
            for (var round = 0; round < rounds; round++)
            {
                local.Add(LocalPass(generator, corpus));
                var (rate, cpu) = ClusterPass(redis, silos: 1, threads: 2, corpus);
                oneSilo.Add(rate);
                clientCpu.Add(cpu);
                Console.WriteLine($"  round {round + 1}: in-process {local[^1]:F0}/s, 1 silo (2 threads) {oneSilo[^1]:F0}/s");
            }
        }

        var two = new List<double>();
        var one = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            two.Add(ClusterPass(redis, silos: 2, threads: 1, corpus).Rate);
            one.Add(ClusterPass(redis, silos: 1, threads: 1, corpus).Rate);
            Console.WriteLine($"  round {round + 1}: 2 silos x 1 thread {two[^1]:F0}/s, 1 silo x 1 thread {one[^1]:F0}/s");
        }

        double overhead = oneSilo.Max() / local.Max(), scaling = two.Max() / one.Max();
        double perChunkMs = ((1 / oneSilo.Max()) - (1 / local.Max())) * Bulk.ChunkSize * 1000;
        double clientRowsPerCpuSecond = corpus.Length / clientCpu.Min();
        Console.WriteLine();
        Console.WriteLine("| measurement | texts/s | ratio | target |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| in-process generator, 2 threads | {local.Max():F0} | 1.00 | |");
        Console.WriteLine($"| 1 silo, 2 threads (cluster path) | {oneSilo.Max():F0} | {overhead:F2} | >= 0.85 {(overhead >= 0.85 ? "met" : "not met")} |");
        Console.WriteLine($"| 1 silo, 1 thread | {one.Max():F0} | 1.00 | |");
        Console.WriteLine($"| 2 silos, 1 thread each | {two.Max():F0} | {scaling:F2} | >= 1.8 {(scaling >= 1.8 ? "met" : "not met")} |");
        Console.WriteLine();
        Console.WriteLine($"dispatch overhead: {perChunkMs:F1} ms per chunk of {Bulk.ChunkSize} (best rates); client CPU: {clientRowsPerCpuSecond:F0} rows per client CPU-second");
        return 0;
    }

    private static BertEmbeddingGeneratorOptions Options(int threads) => new()
    {
        IntraOpThreads = threads,
        SessionConfigEntries = new Dictionary<string, string> { ["session.intra_op.allow_spinning"] = "0" },
    };

    /// <summary>The in-process generator fed the chunks a bulk job sends, as many in flight; texts per second.</summary>
    private static double LocalPass(BertEmbeddingGenerator generator, string[] corpus)
    {
        var start = Stopwatch.GetTimestamp();
        using var window = new SemaphoreSlim(Bulk.MaxChunksInFlight);
        var chunks = corpus.Chunk(Bulk.ChunkSize).Select(async chunk =>
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

    /// <summary>A fresh cluster of <paramref name="silos"/> silos; one warm-up job, then the measured one: texts per second and client CPU seconds.</summary>
    private static (double Rate, double ClientCpu) ClusterPass(RedisServer redis, int silos, int threads, string[] corpus)
    {
        return Run().GetAwaiter().GetResult();

        async Task<(double, double)> Run()
        {
            await using var cluster = await ProcessCluster.StartAsync(redis, silos, Bulk, model: null, threads);
            await WarmUp(cluster, silos, corpus);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var start = Stopwatch.GetTimestamp();
            var rows = await Drain(cluster.Generator.EmbedManyAsync(corpus));
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (rows != corpus.Length)
            {
                throw new InvalidOperationException($"The cluster returned {rows} rows for {corpus.Length} texts.");
            }

            return (corpus.Length / seconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
        }
    }

    /// <summary>Until every silo has answered (each loads its model on its first request), then one bulk pass over part of the corpus.</summary>
    private static async Task WarmUp(ProcessCluster cluster, int silos, string[] corpus)
    {
        var calls = new ClusterCalls(cluster.Client, Bulk);
        var answered = new HashSet<string>();
        for (var i = 0; i < 200 && answered.Count < silos; i++)
        {
            answered.Add((await calls.CallAsync(corpus[..8], null, null, retryQueueFull: true, CancellationToken.None)).Silo!);
        }

        await Drain(cluster.Generator.EmbedManyAsync(corpus.Take(Bulk.ChunkSize * Bulk.MaxChunksInFlight)));
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

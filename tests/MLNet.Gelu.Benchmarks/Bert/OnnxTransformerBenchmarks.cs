using BenchmarkDotNet.Attributes;
using Microsoft.ML;
using MLNet.Gelu.Bert;

namespace MLNet.Gelu.Benchmarks.Bert;

/// <summary>
/// The ML.NET way today (CustomMapping tokenization to 128 tokens + ApplyOnnxModel, one row per Run) against the raw
/// sorted-batch loop and <see cref="BertEmbedder"/>, on a fixed subset of 300 UCI sentences (every 10th): the full
/// corpus would take minutes per operation through ApplyOnnxModel. MiniLM, 2 intra-op threads.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(1)]
[IterationCount(3)]
public class OnnxTransformerBenchmarks
{
    /// <summary>Sentences in the subset.</summary>
    public const int SubsetSize = 300;

    private const int Threads = 2;
    private readonly MLContext _mlContext = new(seed: 1);
    private string[] _texts = null!;
    private RawMiniLm _raw = null!;
    private BertEmbedder _embedder = null!;
    private IDataView _data = null!;
    private ITransformer _pipeline = null!;

    [GlobalSetup]
    public void Setup()
    {
        _texts = BertCorpus.Subset(SubsetSize);
        _raw = new RawMiniLm(Threads);
        _embedder = BertScoringBenchmarks.NewEmbedder();
        _data = _mlContext.Data.LoadFromEnumerable(_texts.Select(t => new MlNetOnnxPipeline.TextRow { Text = t }).ToArray());
        _pipeline = MlNetOnnxPipeline.Fit(_mlContext, _data, Threads);
        WorkRegistry.Register(typeof(OnnxTransformerBenchmarks), BertScoringBenchmarks.Useful(_raw, _texts));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw.Dispose();
        _embedder.Dispose();
        (_pipeline as IDisposable)?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "raw ORT loop, sorted dynamic batches")]
    public float RawSorted() => BertScoringBenchmarks.Checksum(
        _raw.EmbedSorted(_texts, BertScoringBenchmarks.TokenBudget, BertScoringBenchmarks.MaxBatchSize));

    [Benchmark(Description = "BertEmbedder.Embed")]
    public float Embedder() => BertScoringBenchmarks.Checksum(_embedder.Embed(_texts));

    [Benchmark(Description = "CustomMapping(128 tokens) + ApplyOnnxModel")]
    public float CustomMappingOnnx() => MlNetOnnxPipeline.Drain(_pipeline.Transform(_data));
}

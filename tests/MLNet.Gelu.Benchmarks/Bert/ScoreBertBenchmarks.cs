using BenchmarkDotNet.Attributes;
using Microsoft.ML;
using MLNet.Gelu.Bert;

namespace MLNet.Gelu.Benchmarks.Bert;

/// <summary>
/// The ScoreBert transform over the UCI corpus (3,000 sentences) against the raw sorted-batch loop, as in
/// <see cref="BertScoringBenchmarks"/>: LoadFromEnumerable → ScoreBert → Fit → Transform, the embedding column read
/// through a cursor. MiniLM, 2 intra-op threads, spinning off, the library's default token budget.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(1)]
[IterationCount(3)]
public class ScoreBertBenchmarks
{
    private const int Threads = 2;
    private readonly MLContext _mlContext = new(seed: 1);
    private string[] _texts = null!;
    private RawMiniLm _raw = null!;
    private IDataView _data = null!;
    private ITransformer _scoreBert = null!;

    /// <summary>The most rows a window holds (the default 2,048, or 256); windows close at the default 16,384 tokens first.</summary>
    [Params(256, 2048)]
    public int WindowSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _texts = BertCorpus.Sentences();
        _raw = new RawMiniLm(Threads);
        _data = _mlContext.Data.LoadFromEnumerable(_texts.Select(t => new MlNetOnnxPipeline.TextRow { Text = t }).ToArray());
        var options = new BertScoringOptions
        {
            Model = BertModel.AllMiniLmL6V2(),
            TokenBudget = BertScoringBenchmarks.TokenBudget,
            IntraOpThreads = Threads,
            WindowSize = WindowSize,
            SessionConfigEntries = new Dictionary<string, string>
            {
                ["session.intra_op.allow_spinning"] = "0",
                ["session.inter_op.allow_spinning"] = "0",
            },
        };
        _scoreBert = _mlContext.Transforms.ScoreBert("Embedding", nameof(MlNetOnnxPipeline.TextRow.Text), options).Fit(_data);
        WorkRegistry.Register(typeof(ScoreBertBenchmarks), BertScoringBenchmarks.Useful(_raw, _texts));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw.Dispose();
        (_scoreBert as IDisposable)?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "raw ORT loop, sorted dynamic batches")]
    public float RawSorted() => BertScoringBenchmarks.Checksum(
        _raw.EmbedSorted(_texts, BertScoringBenchmarks.TokenBudget, BertScoringBenchmarks.MaxBatchSize));

    [Benchmark(Description = "ScoreBert transform (cursor)")]
    public float ScoreBert() => MlNetOnnxPipeline.Drain(_scoreBert.Transform(_data));
}

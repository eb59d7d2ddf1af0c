using BenchmarkDotNet.Attributes;
using Microsoft.ML;
using Microsoft.ML.Trainers;

namespace MLNet.Gelu.Benchmarks.Training;

/// <summary>
/// One pass over MNIST's 8,000 training rows, 2 threads: the MLP engine (784‑256‑10, GELU, batch 128, Adam) for one
/// epoch, ML.NET's SdcaMaximumEntropy for one iteration (one pass of dual coordinate ascent), and LbfgsMaximumEntropy
/// for one L-BFGS iteration (a gradient pass plus its line search). The models differ (an MLP against linear softmax
/// models), so this is time per pass; <c>--time-to-accuracy</c> compares what each reaches and how fast.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(1)]
[IterationCount(5)]
public class EpochBenchmarks
{
    /// <summary>Limits the training rows for a quick check, e.g. <c>MLNET_GELU_BENCH_MNIST_ROWS=1000</c>.</summary>
    public const string RowsVariable = "MLNET_GELU_BENCH_MNIST_ROWS";

    private const int Threads = 2;
    private readonly MLContext _mlContext = new(seed: 1);
    private MnistSplit _split = null!;
    private IDataView _train = null!;

    /// <summary>The MLP settings of these benchmarks: one hidden GELU layer of 256, batch 128, 2 threads.</summary>
    public static MlpOptions MlpOptions(int epochs) => new()
    {
        HiddenLayerSizes = [256],
        Activation = Activation.Gelu,
        Epochs = epochs,
        BatchSize = 128,
        NumberOfThreads = Threads,
        Seed = 1,
    };

    public static int TrainRows() =>
        int.TryParse(Environment.GetEnvironmentVariable(RowsVariable), out int rows) && rows > 0 ? rows : 8_000;

    [GlobalSetup]
    public void Setup()
    {
        _split = MnistSplit.Load(TrainRows());
        _train = MnistSplit.ToDataView(_mlContext, _split.Train);
        _mlContext.Data.CreateEnumerable<MnistSplit.Row>(_train, reuseRowObject: true).Count(); // fill the cache
    }

    [Benchmark(Baseline = true, Description = "MLP 784-256-10 GELU, 1 epoch")]
    public int Mlp() => MlpTrainerCore.Train(_split.TrainFeatures, MnistSplit.FeatureCount, _split.TrainLabels, 10, MlpOptions(1)).LayerCount;

    [Benchmark(Description = "SdcaMaximumEntropy, 1 iteration")]
    public object Sdca() => _mlContext.MulticlassClassification.Trainers.SdcaMaximumEntropy(SdcaOptions(1)).Fit(_train);

    [Benchmark(Description = "LbfgsMaximumEntropy, 1 iteration")]
    public object Lbfgs() => _mlContext.MulticlassClassification.Trainers.LbfgsMaximumEntropy(LbfgsOptions(1)).Fit(_train);

    public static SdcaMaximumEntropyMulticlassTrainer.Options SdcaOptions(int iterations) => new()
    {
        MaximumNumberOfIterations = iterations,
        NumberOfThreads = Threads,
    };

    public static LbfgsMaximumEntropyMulticlassTrainer.Options LbfgsOptions(int iterations) => new()
    {
        MaximumNumberOfIterations = iterations,
        NumberOfThreads = Threads,
    };
}

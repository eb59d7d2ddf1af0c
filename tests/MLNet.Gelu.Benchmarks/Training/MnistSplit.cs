using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Datasets;

namespace MLNet.Gelu.Benchmarks.Training;

/// <summary>MNIST (10,000 digits) shuffled with a fixed seed: 8,000 training rows and 2,000 test rows.</summary>
internal sealed class MnistSplit
{
    public const int FeatureCount = MnistDigits.PixelCount;

    private MnistSplit(MnistDigit[] train, MnistDigit[] test)
    {
        Train = train;
        Test = test;
        TrainFeatures = train.SelectMany(d => d.Pixels).ToArray();
        TrainLabels = train.Select(d => d.Label).ToArray();
        TestFeatures = test.SelectMany(d => d.Pixels).ToArray();
        TestLabels = test.Select(d => d.Label).ToArray();
    }

    public MnistDigit[] Train { get; }

    public MnistDigit[] Test { get; }

    public float[] TrainFeatures { get; }

    public int[] TrainLabels { get; }

    public float[] TestFeatures { get; }

    public int[] TestLabels { get; }

    /// <summary>The split; <paramref name="trainRows"/> below 8,000 takes the first rows of the shuffled training part.</summary>
    public static MnistSplit Load(int trainRows = 8_000)
    {
        MnistDigit[] all = [.. MnistDigits.Load()];
        new Random(20_170_101).Shuffle(all);
        return new MnistSplit(all[..Math.Min(trainRows, 8_000)], all[8_000..]);
    }

    /// <summary>Rows as an ML.NET view with a key-typed <c>Label</c> and a 784-float <c>Features</c> column, cached in memory.</summary>
    public static IDataView ToDataView(MLContext mlContext, IEnumerable<MnistDigit> digits)
    {
        var rows = digits.Select(d => new Row { Features = d.Pixels, Digit = (uint)d.Label }).ToArray();
        var view = mlContext.Data.LoadFromEnumerable(rows);
        var keyed = mlContext.Transforms.Conversion.MapValueToKey("Label", nameof(Row.Digit),
            keyData: mlContext.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(i => new DigitRow { Digit = (uint)i })))
            .Fit(view).Transform(view);
        return mlContext.Data.Cache(keyed);
    }

    /// <summary>Share of <paramref name="features"/>' rows the model classifies correctly.</summary>
    public static double Accuracy(MLNet.Gelu.MlpModelParameters model, float[] features, int[] labels, int threads)
    {
        var probabilities = new float[labels.Length * 10];
        model.PredictBatch(features, probabilities, threads);
        int correct = 0;
        for (int r = 0; r < labels.Length; r++)
        {
            var row = probabilities.AsSpan(r * 10, 10);
            correct += System.Numerics.Tensors.TensorPrimitives.IndexOfMax(row) == labels[r] ? 1 : 0;
        }

        return (double)correct / labels.Length;
    }

    /// <summary>The ten labels, in order, so that key i is digit i whatever rows are loaded.</summary>
    public sealed class DigitRow
    {
        public uint Digit { get; set; }
    }

    public sealed class Row
    {
        [VectorType(FeatureCount)]
        public float[] Features { get; set; } = [];

        public uint Digit { get; set; }
    }
}

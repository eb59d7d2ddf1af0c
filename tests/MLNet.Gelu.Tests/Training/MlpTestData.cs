using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Datasets;

namespace MLNet.Gelu.Tests.Training;

/// <summary>Real data sets as ML.NET data views, ready for the MLP trainers.</summary>
internal static class MlpTestData
{
    public sealed class IrisRow
    {
        [VectorType(4)]
        public float[] Features { get; set; } = [];

        public string Label { get; set; } = string.Empty;
    }

    public sealed class DigitRow
    {
        [VectorType(784)]
        public float[] Features { get; set; } = [];

        public uint Label { get; set; }
    }

    public sealed class SentenceRow
    {
        public string Text { get; set; } = string.Empty;

        public bool Label { get; set; }
    }

    /// <summary>Iris with a key label (string values) and mean-variance normalized features.</summary>
    public static IDataView Iris(MLContext ml)
    {
        var rows = Datasets.Iris.Load().Select(f => new IrisRow
        {
            Features = [f.SepalLength, f.SepalWidth, f.PetalLength, f.PetalWidth],
            Label = f.Species,
        });
        var raw = ml.Data.LoadFromEnumerable(rows);
        return IrisPreparation(ml).Fit(raw).Transform(raw);
    }

    public static IEstimator<ITransformer> IrisPreparation(MLContext ml) =>
        ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.NormalizeMeanVariance("Features"));

    public static IDataView IrisRaw(MLContext ml) => ml.Data.LoadFromEnumerable(Datasets.Iris.Load().Select(f => new IrisRow
    {
        Features = [f.SepalLength, f.SepalWidth, f.PetalLength, f.PetalWidth],
        Label = f.Species,
    }));

    /// <summary>The 10,000 MNIST digits, pixels in [0, 1], label a key of 10 values (digit + 1).</summary>
    public static IDataView Digits(MLContext ml)
    {
        var raw = ml.Data.LoadFromEnumerable(MnistDigits.Load().Select(d => new DigitRow { Features = d.Pixels, Label = (uint)d.Label }));
        return ml.Transforms.Conversion.MapValueToKey("Label").Fit(raw).Transform(raw);
    }

    public static IDataView Sentences(MLContext ml) =>
        ml.Data.LoadFromEnumerable(UciSentiment.Load().Select(s => new SentenceRow { Text = s.Text, Label = s.Positive }));
}

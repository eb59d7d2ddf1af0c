using MLNet.Gelu.Bert.Graphs;
using MLNet.Gelu.Bert.Tests.Graphs;
using MLNet.Gelu.Bert.Tests.Support;

namespace MLNet.Gelu.Bert.Tests.Quantization;

/// <summary>Bad quantization options are refused before any work, with an exception that names the option.</summary>
public class QuantizationOptionTests
{
    private static readonly ToyNetwork Network = new();

    public static TheoryData<string, Func<MatMulQuantizationOptions>, Type> BadOptions => new()
    {
        { "Weights", () => new() { Weights = (WeightGranularity)7 }, typeof(ArgumentOutOfRangeException) },
        { "Activations", () => new() { Activations = (ActivationGranularity)(-1) }, typeof(ArgumentOutOfRangeException) },
        { "KeepNodes", () => new() { KeepNodes = null! }, typeof(ArgumentNullException) },
        { "KeepNodes", () => new() { KeepNodes = ["ok", ""] }, typeof(ArgumentException) },
        { "Ranges", () => new() { Smoothing = new MatMulSmoothing(null!) }, typeof(ArgumentNullException) },
        { "Alpha", () => new() { Smoothing = new MatMulSmoothing(Ranges(), 0) }, typeof(ArgumentOutOfRangeException) },
        { "Alpha", () => new() { Smoothing = new MatMulSmoothing(Ranges(), 1) }, typeof(ArgumentOutOfRangeException) },
        { "Alpha", () => new() { Smoothing = new MatMulSmoothing(Ranges(), double.NaN) }, typeof(ArgumentOutOfRangeException) },
        { "Smoothing", () => new() { Smoothing = new MatMulSmoothing(Ranges(channels: 3), 0.5) }, typeof(ArgumentException) },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Each_bad_option_is_refused_naming_it(string option, Func<MatMulQuantizationOptions> options, Type exception)
    {
        var thrown = Record.Exception(() => MatMulQuantizer.Quantize(Network.Model, options()));
        Assert.NotNull(thrown);
        Assert.Equal(exception, thrown.GetType());
        Assert.Equal(option, ((ArgumentException)thrown).ParamName);
    }

    [Fact]
    public void An_undefined_precision_is_refused_naming_Precision_before_any_session()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new BertEmbedder(MiniLm.Model, new BertEmbedderOptions { Precision = (BertPrecision)3 }));
        Assert.Equal("Precision", e.ParamName);
        Assert.Contains("Float32, Int8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_that_are_not_a_model_and_bad_calibration_arguments_are_refused()
    {
        var notOnnx = Assert.Throws<ArgumentException>(() => MatMulQuantizer.Quantize([1, 2, 3]));
        Assert.Equal("model", notOnnx.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => MatMulInputRanges.MeasureOnVocabulary(MiniLm.Model, sequences: 0));
        var empty = Assert.Throws<ArgumentException>(() => MatMulInputRanges.Measure(MiniLm.Model, []));
        Assert.Equal("texts", empty.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => MatMulQuantizer.Verify(MatMulQuantizer.Quantize(Network.Model), (Microsoft.ML.OnnxRuntime.GraphOptimizationLevel)42));
    }

    [Fact]
    public void Int8_on_a_model_without_weight_MatMuls_runs_it_unchanged()
    {
        using var float32 = Toy.Embedder(BertPooling.Mean);
        using var int8 = Toy.Embedder(BertPooling.Mean, options: new BertEmbedderOptions { Precision = BertPrecision.Int8 });
        Assert.Empty(int8.Scorer.Quantization!.Quantized);
        Assert.Equal(float32.Embed("a b c"), int8.Embed("a b c"));
    }

    private static MatMulInputRanges Ranges(int channels = ToyNetwork.In) =>
        new(new Dictionary<string, float[]> { ["x"] = [.. Enumerable.Repeat(1f, channels)] }, 1, 1);
}

using Google.Protobuf;
using MLNet.Gelu.Bert.Graphs;
using MLNet.Gelu.Bert.Graphs.Quantization;
using MLNet.Gelu.Bert.Tests.Graphs;
using Onnx;

namespace MLNet.Gelu.Bert.Tests.Quantization;

/// <summary>
/// The quantizer on a small network: which nodes it writes, what it keeps, and that ONNX Runtime computes with the quantized
/// graph exactly the 8-bit arithmetic the graph describes (emulated here in C#), which is close to the float network.
/// </summary>
public class ToyQuantizationTests
{
    private const int Rows = 16;

    /// <summary>Emulation and ONNX Runtime may round a value that falls on a rounding boundary differently: a few steps at most.</summary>
    private const double EmulationTolerance = 2e-3;

    private static readonly ToyNetwork Network = new();

    [Fact]
    public void Per_tensor_writes_one_DynamicQuantizeMatMul_per_MatMul_with_per_channel_int8_weights_and_folded_biases()
    {
        var result = MatMulQuantizer.Quantize(Network.Model);
        Assert.Equal(2, result.Quantized.Count);
        Assert.Empty(result.Kept);
        var graph = result.Model.Graph;
        Assert.Equal(["DynamicQuantizeMatMul", "Relu", "DynamicQuantizeMatMul"], graph.Node.Select(n => n.OpType));
        Assert.All(graph.Node.Where(n => n.OpType != "Relu"), n => Assert.Equal("com.microsoft", n.Domain));
        Assert.Contains(result.Model.OpsetImport, o => o.Domain == "com.microsoft");
        Assert.DoesNotContain(graph.Initializer, t => t.Name is "W1" or "W2");
        Assert.Equal(["b1", "b2"], result.Quantized.Select(q => q.Bias));
        Assert.Equal("y", graph.Node[^1].Output[0]);

        foreach (var (node, n) in new[] { (graph.Node[0], ToyNetwork.Hidden), (graph.Node[2], ToyNetwork.Out) })
        {
            var weight = graph.Initializer.Single(t => t.Name == node.Input[1]);
            Assert.Equal(FloatTensors.Int8, weight.DataType);
            var scale = graph.Initializer.Single(t => t.Name == node.Input[2]);
            Assert.Equal([n], scale.Dims);
            Assert.Equal(string.Empty, node.Input[3]);
        }

        var verification = MatMulQuantizer.Verify(result);
        Assert.Equal(2, verification.MatMulsChecked);
        Assert.Equal(2, verification.OptimizedOpCounts["com.microsoft.DynamicQuantizeMatMul"]);
    }

    [Theory]
    [InlineData(ActivationGranularity.PerTensor, WeightGranularity.PerChannel, true)]
    [InlineData(ActivationGranularity.PerTensor, WeightGranularity.PerTensor, true)]
    [InlineData(ActivationGranularity.PerTensor, WeightGranularity.PerChannel, false)]
    [InlineData(ActivationGranularity.PerRow, WeightGranularity.PerChannel, true)]
    [InlineData(ActivationGranularity.PerRow, WeightGranularity.PerTensor, false)]
    public void Onnx_Runtime_computes_the_emulated_8_bit_arithmetic(ActivationGranularity activations, WeightGranularity weights, bool symmetric)
    {
        var options = new MatMulQuantizationOptions { Activations = activations, Weights = weights, SymmetricWeights = symmetric };
        var result = MatMulQuantizer.Quantize(Network.Model, options);
        MatMulQuantizer.Verify(result);
        var x = ToyNetwork.Inputs(Rows);
        var actual = OnnxRun.All(result.ToByteArray(), x, Rows)["y"];

        float[] Weight(float[] w, int k, int n)
        {
            var q = QuantizedWeight.Quantize(w, k, n, weights, symmetric);
            return [.. Enumerable.Range(0, k * n).Select(i => q.Dequantize(i / n, i % n))];
        }

        Func<float[], int, float[]> input = activations == ActivationGranularity.PerRow ? ToyNetwork.PerRowInput : ToyNetwork.PerTensorInput;
        var emulated = Network.Emulate(x, Weight, input);
        var exact = Network.Float(x);
        double scale = exact.Max(Math.Abs);
        double fromEmulation = actual.Zip(emulated, (a, e) => Math.Abs(a - e)).Max();
        double fromFloat = actual.Zip(exact, (a, e) => Math.Abs(a - e)).Max();
        Assert.True(fromEmulation <= EmulationTolerance * scale, $"ONNX Runtime vs emulation: {fromEmulation} (scale {scale})");
        Assert.True(fromFloat <= 0.05 * scale, $"quantized vs float: {fromFloat} (scale {scale})");
    }

    [Fact]
    public void Per_row_inputs_keep_an_outlier_row_from_coarsening_the_others()
    {
        var x = ToyNetwork.Inputs(Rows);
        var exact = Network.Float(x);
        double Error(ActivationGranularity granularity)
        {
            var y = OnnxRun.All(MatMulQuantizer.Quantize(Network.Model, new() { Activations = granularity }).ToByteArray(), x, Rows)["y"];
            return Enumerable.Range(0, y.Length).Where(i => i / ToyNetwork.Out != 3).Max(i => Math.Abs(y[i] - exact[i]));
        }

        Assert.True(Error(ActivationGranularity.PerRow) < Error(ActivationGranularity.PerTensor) / 2);
    }

    [Fact]
    public void Per_row_writes_shared_row_quantization_and_MatMulIntegerToFloat_and_keeps_the_bias_Add()
    {
        var result = MatMulQuantizer.Quantize(Network.Model, new() { Activations = ActivationGranularity.PerRow });
        Assert.Equal(2, result.OpCountsAfter["com.microsoft.MatMulIntegerToFloat"]);
        Assert.Equal(2, result.OpCountsAfter["QuantizeLinear"]);
        Assert.Equal(2, result.OpCountsAfter["Add"]);
        Assert.All(result.Quantized, q => Assert.Null(q.Bias));
        Assert.Null(result.OpsetRaisedFrom);
        Assert.Equal(2, MatMulQuantizer.Verify(result).MatMulsChecked);
    }

    [Fact]
    public void Per_block_writes_MatMulNBits_with_8_bits_and_accuracy_level_4()
    {
        var result = MatMulQuantizer.Quantize(Network.Model, new() { Activations = ActivationGranularity.PerBlock });
        var nodes = result.Model.Graph.Node.Where(n => n.OpType == "MatMulNBits").ToList();
        Assert.Equal(2, nodes.Count);
        Assert.All(nodes, n =>
        {
            Assert.Equal(8, n.Attribute.Single(a => a.Name == "bits").I);
            Assert.Equal(4, n.Attribute.Single(a => a.Name == "accuracy_level").I);
        });
        var x = ToyNetwork.Inputs(Rows);
        var y = OnnxRun.All(result.ToByteArray(), x, Rows)["y"];
        var exact = Network.Float(x);
        Assert.True(y.Zip(exact, (a, e) => Math.Abs(a - e)).Max() <= 0.02 * exact.Max(Math.Abs));
    }

    [Fact]
    public void KeepActivationInputs_keeps_the_MatMul_that_reads_the_Relu_in_float32()
    {
        var result = MatMulQuantizer.Quantize(Network.Model, new() { KeepActivationInputs = true });
        var kept = Assert.Single(result.Kept);
        Assert.Equal(Network.SecondMatMul, kept.Site.NodeName);
        Assert.Contains("Relu", kept.Reason, StringComparison.Ordinal);
        Assert.Equal(Network.FirstMatMul, Assert.Single(result.Quantized).Site.NodeName);
        Assert.Contains(result.Model.Graph.Node, n => n.OpType == "MatMul" && n.Input[1] == "W2");
        Assert.Contains(result.Model.Graph.Initializer, t => t.Name == "W2" && t.DataType == 1);
        MatMulQuantizer.Verify(result);
    }

    [Fact]
    public void KeepNodes_accepts_a_node_name_or_an_output_name()
    {
        var byNode = MatMulQuantizer.Quantize(Network.Model, new() { KeepNodes = [Network.FirstMatMul] });
        Assert.Equal(Network.FirstMatMul, Assert.Single(byNode.Kept).Site.NodeName);
        Assert.Equal("named in KeepNodes", byNode.Kept[0].Reason);
        var byOutput = MatMulQuantizer.Quantize(Network.Model, new() { KeepNodes = [Network.SecondMatMulOutput] });
        Assert.Equal(Network.SecondMatMul, Assert.Single(byOutput.Kept).Site.NodeName);
    }

    [Fact]
    public void The_source_model_is_not_changed()
    {
        var before = Network.Model.ToByteArray();
        MatMulQuantizer.Quantize(Network.Model, new() { Activations = ActivationGranularity.PerRow });
        Assert.Equal(before, Network.Model.ToByteArray());
    }

    [Fact]
    public void Save_writes_the_bytes_ToByteArray_returns_and_an_empty_path_is_refused()
    {
        GraphRewriteResult result = MatMulQuantizer.Quantize(Network.Model, new() { Activations = ActivationGranularity.PerRow });
        string path = Path.Combine(Path.GetTempPath(), $"quantized-{Guid.NewGuid():N}.onnx");
        try
        {
            File.WriteAllText(path, "an older file is replaced");
            result.Save(path);
            Assert.Equal(result.ToByteArray(), File.ReadAllBytes(path));
            Assert.Equal(result.OpCountsAfter["com.microsoft.MatMulIntegerToFloat"], ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Node.Count(n => n.OpType == "MatMulIntegerToFloat"));
        }
        finally
        {
            File.Delete(path);
        }

        Assert.Throws<ArgumentException>(() => result.Save(string.Empty));
        Assert.Throws<ArgumentNullException>(() => result.Save(null!));
    }

    [Fact]
    public void Weights_that_are_graph_inputs_three_dimensional_or_external_are_not_quantized()
    {
        var graph = new TestGraph();
        string x = graph.Input("x", 4);
        string dynamicWeight = graph.Input("w", 4);
        graph.Tensor("cube", new float[2 * 4 * 3], 2, 4, 3);
        var external = new TensorProto { Name = "far", DataType = 1, Dims = { 4, 3 }, DataLocation = TensorProto.Types.DataLocation.External };
        external.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        graph.Graph.Initializer.Add(external);
        graph.Output(graph.Op("MatMul", x, dynamicWeight));
        graph.Output(graph.Op("MatMul", x, "cube"));
        graph.Output(graph.Op("MatMul", x, "far"));

        var result = MatMulQuantizer.Quantize(graph.Model);
        Assert.Empty(result.Quantized);
        var kept = Assert.Single(result.Kept);
        Assert.Equal("far", kept.Site.Weight);
        Assert.Contains("external", kept.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Model.OpsetImport, o => o.Domain == "com.microsoft");
    }

    [Fact]
    public void A_weight_another_node_still_reads_stays_and_a_shared_weight_is_quantized_for_each_MatMul()
    {
        var graph = new TestGraph();
        string x = graph.Input("x", 3);
        graph.Tensor("W", [1, 2, 3, 4, 5, 6, 7, 8, 9], 3, 3);
        graph.Output(graph.Op("MatMul", x, "W"), 3);
        graph.Output(graph.Op("MatMul", graph.Op("Relu", x), "W"), 3);
        var quantizedOnly = MatMulQuantizer.Quantize(graph.Model);
        Assert.Equal(2, quantizedOnly.Quantized.Count);
        Assert.DoesNotContain(quantizedOnly.Model.Graph.Initializer, t => t.Name == "W");

        graph.Output(graph.Op("Identity", "W"));
        var alsoAdded = MatMulQuantizer.Quantize(graph.Model);
        Assert.Equal(2, alsoAdded.Quantized.Count);
        Assert.Contains(alsoAdded.Model.Graph.Initializer, t => t.Name == "W");
        MatMulQuantizer.Verify(alsoAdded);
    }

    [Fact]
    public void Smoothing_moves_input_ranges_into_the_weights_without_changing_the_float_product()
    {
        var x = ToyNetwork.Inputs(Rows);
        var relu = x.Chunk(ToyNetwork.In).SelectMany(row => Enumerable.Range(0, ToyNetwork.Hidden)
            .Select(j => Math.Max(0f, Network.B1[j] + Enumerable.Range(0, ToyNetwork.In).Sum(i => row[i] * Network.W1[i * ToyNetwork.Hidden + j])))).ToArray();
        float[] Maxima(float[] values, int width) =>
            [.. Enumerable.Range(0, width).Select(k => Enumerable.Range(0, values.Length / width).Max(r => Math.Abs(values[r * width + k])))];
        var ranges = new MatMulInputRanges(
            new Dictionary<string, float[]> { ["x"] = Maxima(x, ToyNetwork.In), [Network.Model.Graph.Node[2].Output[0]] = Maxima(relu, ToyNetwork.Hidden) },
            texts: 1, tokens: Rows);

        var result = MatMulQuantizer.Quantize(Network.Model, new() { Activations = ActivationGranularity.PerRow, Smoothing = new MatMulSmoothing(ranges, 0.5) });
        Assert.All(result.Quantized, q => Assert.True(q.Smoothed));
        Assert.Equal(2, result.Model.Graph.Node.Count(n => n.OpType == "Mul" && n.Name.EndsWith("_smooth", StringComparison.Ordinal)));
        var y = OnnxRun.All(result.ToByteArray(), x, Rows)["y"];
        var exact = Network.Float(x);
        Assert.True(y.Zip(exact, (a, e) => Math.Abs(a - e)).Max() <= 0.05 * exact.Max(Math.Abs));
    }
}

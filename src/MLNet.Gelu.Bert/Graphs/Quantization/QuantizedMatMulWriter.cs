using MLNet.Gelu.Bert.Graphs.Model;
using Onnx;

namespace MLNet.Gelu.Bert.Graphs.Quantization;

/// <summary>
/// Writes the nodes and constants that replace one MatMul: <c>DynamicQuantizeMatMul</c> (per-tensor activations) or the
/// per-row chain. A smoothed input and a per-row quantized input are written once, at their first reader, and shared.
/// </summary>
internal sealed class QuantizedMatMulWriter(UniqueNames names, long opset)
{
    private const float RowFloor = 1e-12f;

    /// <summary>Input channels per block of <see cref="ActivationGranularity.PerBlock"/>: MatMulNBits' usual 32.</summary>
    private const int BlockSize = 32;

    /// <summary>Rows are uint8 with zero point 128: uint8 × int8 is MLAS's fast x64 path (int8 × int8 ran 0.3× fp32 here).</summary>
    private const byte RowZeroPoint = 128;

    private readonly Dictionary<string, string> _smoothed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RowQuantized> _rows = new(StringComparer.Ordinal);

    /// <summary>The constants written so far.</summary>
    public List<TensorProto> Initializers { get; } = [];

    /// <summary>The nodes that replace the MatMul of <paramref name="site"/>, in execution order.</summary>
    /// <param name="site">The MatMul.</param>
    /// <param name="weight">Its quantized weight (null with <see cref="ActivationGranularity.PerBlock"/>, which quantizes <paramref name="weights"/> itself).</param>
    /// <param name="weights">Its float weight [K, N], smoothed when smoothing applies.</param>
    /// <param name="inverseSmoothing">Per input channel 1/s to multiply the input by, or null.</param>
    /// <param name="bias">A 1-D constant to add (per-tensor only), or null.</param>
    /// <param name="output">The tensor to write.</param>
    /// <param name="granularity">How the input is quantized.</param>
    public List<NodeProto> Write(
        MatMulSite site, QuantizedWeight? weight, float[]? weights, float[]? inverseSmoothing, string? bias, string output, ActivationGranularity granularity)
    {
        var nodes = new List<NodeProto>();
        string stem = site.NodeName;
        string input = inverseSmoothing is null ? site.Input : Smoothed(site, inverseSmoothing, nodes);
        if (granularity == ActivationGranularity.PerBlock)
        {
            nodes.Add(BlockQuantized(site, weights!, input, bias, output));
            return nodes;
        }

        ArgumentNullException.ThrowIfNull(weight);
        string quantized = Constant(FloatTensors.Bytes(names.Next($"{site.Weight}_quantized"), weight.ElementType, weight.Data, weight.Rows, weight.Columns));
        long[] scaleDims = weight.Scales.Length == 1 ? [] : [weight.Columns];
        string scale = Constant(FloatTensors.Float(names.Next($"{site.Weight}_scale"), weight.Scales, scaleDims));
        string zeroPoint = weight.ZeroPoints is null
            ? string.Empty
            : Constant(FloatTensors.Bytes(names.Next($"{site.Weight}_zero_point"), weight.ElementType, weight.ZeroPoints, scaleDims));

        if (granularity == ActivationGranularity.PerTensor)
        {
            var inputs = new List<string> { input, quantized, scale, zeroPoint };
            if (bias is not null)
            {
                inputs.Add(bias);
            }

            nodes.Add(NodeFactory.Node("DynamicQuantizeMatMul", names.Next($"{stem}_quant"), TrimOptional(inputs), [output], NodeFactory.MicrosoftDomain));
            return nodes;
        }

        var rows = RowQuantize(input, site.InputChannels, nodes);
        string scaled = names.Next($"{stem}_row_scaled");
        // The row scales multiply the output in a Mul: MatMulIntegerToFloat's a_scale is specified as a scalar or per column.
        string one = Constant(FloatTensors.Float(names.Next($"{stem}_one"), [1f]));
        string product = names.Next($"{stem}_integer_product");
        var integerInputs = new List<string> { rows.Quantized, quantized, one, scale, rows.ZeroPoint, zeroPoint };
        nodes.Add(NodeFactory.Node("MatMulIntegerToFloat", names.Next($"{stem}_quant"), TrimOptional(integerInputs), [product], NodeFactory.MicrosoftDomain));
        nodes.Add(NodeFactory.Node("Mul", names.Next($"{stem}_row_scale"), [product, rows.ColumnScale], [scaled]));

        string width = Constant(TensorValues.Int64Vector(names.Next($"{stem}_width"), [site.OutputChannels]));
        string shape = names.Next($"{stem}_output_shape");
        nodes.Add(NodeFactory.Node("Concat", names.Next($"{stem}_output_shape"), [rows.LeadingShape, width], [shape], attributes: NodeFactory.Int("axis", 0)));
        nodes.Add(NodeFactory.Node("Reshape", names.Next($"{stem}_reshape"), [scaled, shape], [output]));
        return nodes;
    }

    /// <summary>
    /// <c>com.microsoft.MatMulNBits</c> with 8-bit weights in blocks of <c>BlockSize</c> input channels per output column
    /// (uint8, zero point 128, scale max|w| / 127 per block) and <c>accuracy_level</c> 4, which has ONNX Runtime quantize the
    /// input to int8 per row and block as well.
    /// </summary>
    private NodeProto BlockQuantized(MatMulSite site, float[] weights, string input, string? bias, string output)
    {
        int k = site.InputChannels, n = site.OutputChannels;
        int blocks = (k + BlockSize - 1) / BlockSize;
        var data = new byte[n * blocks * BlockSize];
        var scales = new float[n * blocks];
        for (int column = 0; column < n; column++)
        {
            for (int block = 0; block < blocks; block++)
            {
                float max = 0;
                for (int row = block * BlockSize; row < Math.Min(k, (block + 1) * BlockSize); row++)
                {
                    max = Math.Max(max, Math.Abs(weights[row * n + column]));
                }

                float step = max > 0 ? max / 127f : 1f;
                scales[column * blocks + block] = step;
                for (int i = 0; i < BlockSize; i++)
                {
                    int row = block * BlockSize + i;
                    float q = row < k ? MathF.Round(weights[row * n + column] / step, MidpointRounding.ToEven) : 0f;
                    data[(column * blocks + block) * BlockSize + i] = (byte)(Math.Clamp(q, -127f, 127f) + 128);
                }
            }
        }

        string packed = Constant(FloatTensors.Bytes(names.Next($"{site.Weight}_blocks"), FloatTensors.UInt8, data, n, blocks, BlockSize));
        string scale = Constant(FloatTensors.Float(names.Next($"{site.Weight}_block_scales"), scales, n, blocks));
        var inputs = new List<string> { input, packed, scale };
        if (bias is not null)
        {
            inputs.AddRange([string.Empty, string.Empty, bias]);
        }

        return NodeFactory.Node("MatMulNBits", names.Next($"{site.NodeName}_quant"), inputs, [output], NodeFactory.MicrosoftDomain,
            NodeFactory.Int("K", k), NodeFactory.Int("N", n), NodeFactory.Int("bits", 8), NodeFactory.Int("block_size", BlockSize),
            NodeFactory.Int("accuracy_level", 4));
    }

    /// <summary><c>Mul(x, 1/s)</c>, written once per input tensor.</summary>
    private string Smoothed(MatMulSite site, float[] inverse, List<NodeProto> nodes)
    {
        if (_smoothed.TryGetValue(site.Input, out string? smoothed))
        {
            return smoothed;
        }

        string factors = Constant(FloatTensors.Float(names.Next($"{site.Input}_smoothing"), inverse, inverse.Length));
        smoothed = names.Next($"{site.Input}_smoothed");
        nodes.Add(NodeFactory.Node("Mul", names.Next($"{site.Input}_smooth"), [site.Input, factors], [smoothed]));
        _smoothed[site.Input] = smoothed;
        return smoothed;
    }

    /// <summary>
    /// x [.., K] → rows [T, K] → s = max(max|row|, floor) / 127 → q = QuantizeLinear(rows, s, 128, axis 0) in [1, 255], written once per input.
    /// </summary>
    private RowQuantized RowQuantize(string input, int channels, List<NodeProto> nodes)
    {
        if (_rows.TryGetValue(input, out var done))
        {
            return done;
        }

        string Tensor(string what) => names.Next($"{input}_{what}");
        void Add(string op, string what, string[] inputs, string output, params AttributeProto[] attributes) =>
            nodes.Add(NodeFactory.Node(op, names.Next($"{input}_{what}"), inputs, [output], attributes: attributes));

        string rowsShape = Constant(TensorValues.Int64Vector(Tensor("rows_shape"), [-1, channels]));
        string rows = Tensor("rows");
        Add("Reshape", "rows", [input, rowsShape], rows);
        string magnitude = Tensor("abs");
        Add("Abs", "abs", [rows], magnitude);
        string max = Tensor("row_max");
        if (opset >= 18)
        {
            string axes = Constant(TensorValues.Int64Vector(Tensor("row_axes"), [1]));
            Add("ReduceMax", "row_max", [magnitude, axes], max, NodeFactory.Int("keepdims", 0));
        }
        else
        {
            nodes.Add(NodeFactory.Node("ReduceMax", names.Next($"{input}_row_max"), [magnitude], [max], attributes:
                [new AttributeProto { Name = "axes", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 1 } }, NodeFactory.Int("keepdims", 0)]));
        }

        string floor = Constant(TensorValues.Scalar(Tensor("row_floor"), RowFloor, TensorValues.Float));
        string bounded = Tensor("row_max_bounded");
        Add("Max", "row_max_bounded", [max, floor], bounded);
        string step = Constant(TensorValues.Scalar(Tensor("row_step"), 1.0 / 127, TensorValues.Float));
        string scale = Tensor("row_scale");
        Add("Mul", "row_scale", [bounded, step], scale);

        int zeroType = FloatTensors.UInt8;
        byte zeroValue = RowZeroPoint;
        string scaleShape = Tensor("row_count");
        Add("Shape", "row_count", [scale], scaleShape);
        string zeros = Tensor("row_zero_point");
        nodes.Add(NodeFactory.Node("ConstantOfShape", names.Next($"{input}_row_zero_point"), [scaleShape], [zeros], attributes:
            new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = FloatTensors.Bytes(string.Empty, zeroType, [zeroValue], 1) }));
        string quantized = Tensor("row_quantized");
        Add("QuantizeLinear", "row_quantize", [rows, scale, zeros], quantized, NodeFactory.Int("axis", 0));
        string scalarZero = Constant(FloatTensors.Bytes(Tensor("zero_point"), zeroType, [zeroValue]));

        string unsqueezed = Tensor("row_scale_column");
        string columnAxes = Constant(TensorValues.Int64Vector(Tensor("column_axes"), [1]));
        Add("Unsqueeze", "row_scale_column", [scale, columnAxes], unsqueezed);

        string fullShape = Tensor("shape");
        Add("Shape", "shape", [input], fullShape);
        string start = Constant(TensorValues.Int64Vector(Tensor("leading_start"), [0]));
        string end = Constant(TensorValues.Int64Vector(Tensor("leading_end"), [-1]));
        string leading = Tensor("leading_shape");
        Add("Slice", "leading_shape", [fullShape, start, end], leading);

        var result = new RowQuantized(quantized, unsqueezed, scalarZero, leading);
        _rows[input] = result;
        return result;
    }

    private string Constant(TensorProto tensor)
    {
        Initializers.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Optional inputs left empty are written as "" except at the end, where they are dropped.</summary>
    private static List<string> TrimOptional(List<string> inputs)
    {
        while (inputs.Count > 0 && inputs[^1].Length == 0)
        {
            inputs.RemoveAt(inputs.Count - 1);
        }

        return inputs;
    }

    private sealed record RowQuantized(string Quantized, string ColumnScale, string ZeroPoint, string LeadingShape);
}

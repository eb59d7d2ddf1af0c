using MLNet.Gelu.Bert.Graphs.Model;
using MLNet.Gelu.Bert.Graphs.Opsets;
using MLNet.Gelu.Bert.Graphs.Quantization;
using Onnx;

namespace MLNet.Gelu.Bert.Graphs;

/// <summary>
/// Quantizes the MatMuls of an ONNX model whose second input is a constant 2-D float matrix (in a BERT: the attention
/// projections and the feed-forward layers) to 8-bit weights, with the inputs quantized at run time (dynamic quantization),
/// written in ONNX Runtime's <c>com.microsoft</c> operators. A pure function: the source model is not changed and no
/// session is needed (see <see cref="Verify"/> to check the result in one).
/// </summary>
/// <remarks>
/// Each replaced MatMul keeps its output tensor name, so downstream nodes are untouched; float weights that nothing reads
/// any more are removed, and the <c>com.microsoft</c> opset import is added. MatMuls whose weight is a graph input (not a
/// constant) or is stored as external data are left alone; those asked to be kept (<see cref="MatMulQuantizationOptions.KeepNodes"/>,
/// <see cref="MatMulQuantizationOptions.KeepActivationInputs"/>) are listed in <see cref="MatMulQuantizationResult.Kept"/>.
/// Combine with <see cref="ActivationGraphRewriter"/> in either order; <see cref="BertEmbedderOptions"/> rewrites activations
/// first, then quantizes. Only load models from trusted sources.
/// </remarks>
/// <example>
/// <code>
/// var result = MatMulQuantizer.Quantize(File.ReadAllBytes("model.onnx"));
/// File.WriteAllBytes("model.int8.onnx", result.ToByteArray());
/// </code>
/// See samples/Inspect (<c>--quantize</c>) for a console tool built on it.
/// </example>
public static class MatMulQuantizer
{
    /// <summary>Quantizes serialized ONNX model bytes.</summary>
    /// <param name="model">The ONNX model (protobuf bytes).</param>
    /// <param name="options">Which MatMuls, how weights and inputs are quantized; null for <see cref="MatMulQuantizationOptions.Default"/>.</param>
    /// <returns>The new model and a report of what changed.</returns>
    /// <exception cref="ArgumentException"><paramref name="model"/> is not an ONNX model, or an option is invalid (the exception names it).</exception>
    /// <exception cref="NotSupportedException"><see cref="ActivationGranularity.PerRow"/> needs an opset upgrade this library cannot do (from below 11).</exception>
    public static MatMulQuantizationResult Quantize(byte[] model, MatMulQuantizationOptions? options = null) =>
        Quantize(OnnxModels.Parse(model, nameof(model)), options);

    /// <summary>Quantizes a parsed ONNX model (which is left unchanged).</summary>
    /// <param name="model">The ONNX model.</param>
    /// <param name="options">Which MatMuls, how weights and inputs are quantized; null for <see cref="MatMulQuantizationOptions.Default"/>.</param>
    /// <returns>The new model and a report of what changed.</returns>
    internal static MatMulQuantizationResult Quantize(ModelProto model, MatMulQuantizationOptions? options = null)
    {
        OnnxModels.CheckHasGraph(model, nameof(model));
        options ??= MatMulQuantizationOptions.Default;
        options.Validate();
        var before = OpCounts.Of(model.Graph);
        var work = model.Clone();
        long? raisedFrom = null;
        long opset = OnnxModels.Opsets(work).GetValueOrDefault(string.Empty, 1);
        if (options.Activations == ActivationGranularity.PerRow && opset < 13)
        {
            // Per-axis QuantizeLinear and Unsqueeze with an axes input need opset 13.
            raisedFrom = OpsetUpgrader.Upgrade(work, 13);
            opset = 13;
        }

        var graph = work.Graph;
        var index = new GraphIndex(graph);
        var candidates = MatMulSiteFinder.Find(index);
        var activationOutputs = options.KeepActivationInputs ? MatMulSiteFinder.ActivationOutputs(index) : [];
        var keep = new HashSet<string>(options.KeepNodes, StringComparer.Ordinal);

        var kept = new List<KeptMatMul>();
        var chosen = new List<MatMulSiteFinder.Candidate>();
        foreach (var candidate in candidates)
        {
            var site = candidate.Site;
            string? reason = candidate.Unreadable
                ?? (keep.Contains(site.NodeName) || keep.Contains(site.Output) ? "named in KeepNodes" : null)
                ?? (activationOutputs.TryGetValue(site.Input, out string? kind) ? $"reads the output of a {kind} (KeepActivationInputs)" : null);
            if (reason is null)
            {
                chosen.Add(candidate);
            }
            else
            {
                kept.Add(new KeptMatMul(site, reason));
            }
        }

        var smoothing = options.Smoothing is { } smooth ? SmoothingFactors.Compute(chosen, smooth) : [];
        var writer = new QuantizedMatMulWriter(new UniqueNames(graph), opset);
        var replacements = new Dictionary<NodeProto, List<NodeProto>>(ReferenceEqualityComparer.Instance);
        var removed = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var quantized = new List<QuantizedMatMul>();
        foreach (var candidate in chosen)
        {
            var site = candidate.Site;
            var weights = candidate.Weights!;
            float[]? inverse = null;
            if (smoothing.TryGetValue(site.Input, out var factors))
            {
                weights = SmoothingFactors.ScaleRows(weights, factors, site.OutputChannels);
                inverse = [.. factors.Select(f => 1f / f)];
            }

            var (bias, add) = options.FoldBias && options.Activations != ActivationGranularity.PerRow ? FindBias(index, site) : (null, null);
            string output = add?.Output[0] ?? site.Output;
            QuantizedWeight? weight = null;
            double error;
            if (options.Activations == ActivationGranularity.PerBlock)
            {
                error = double.NaN;
            }
            else
            {
                weight = QuantizedWeight.Quantize(weights, site.InputChannels, site.OutputChannels, options.Weights, options.SymmetricWeights);
                error = MaxError(weights, weight);
            }

            var nodes = writer.Write(site, weight, weights, inverse, bias, output, options.Activations);
            replacements[candidate.Node] = nodes;
            if (add is not null)
            {
                removed.Add(add);
            }

            quantized.Add(new QuantizedMatMul(site, [.. nodes.Select(n => n.Name)], bias, inverse is not null, error)
            {
                OutputOp = OpCounts.Key(nodes[^1]),
                WrittenOutput = output,
            });
        }

        var reordered = new List<NodeProto>(graph.Node.Count);
        foreach (var node in graph.Node)
        {
            if (replacements.TryGetValue(node, out var replacement))
            {
                reordered.AddRange(replacement);
            }
            else if (!removed.Contains(node))
            {
                reordered.Add(node);
            }
        }

        graph.Node.Clear();
        graph.Node.AddRange(reordered);
        graph.Initializer.AddRange(writer.Initializers);
        UnusedTensorSweeper.Sweep(graph, chosen.Select(c => c.Site.Weight).Concat(removed.SelectMany(n => n.Input)).Distinct());
        if (quantized.Count > 0 && !work.OpsetImport.Any(o => o.Domain == NodeFactory.MicrosoftDomain))
        {
            work.OpsetImport.Add(new OperatorSetIdProto { Domain = NodeFactory.MicrosoftDomain, Version = 1 });
        }

        return new MatMulQuantizationResult(work, options, quantized, kept, before, OpCounts.Of(graph), raisedFrom);
    }

    /// <summary>
    /// Checks a quantization: every quantized MatMul's output is written by the expected operator, no node reads a tensor
    /// before it is produced, no MatMul reads a removed weight, and ONNX Runtime creates a session from the bytes (reporting the
    /// operators of the graph it actually runs after its own optimizations, where fusions show).
    /// </summary>
    /// <param name="result">A quantization result.</param>
    /// <param name="optimization">The graph optimization level of the session; default <see cref="Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_ALL"/>.</param>
    /// <returns>What was checked, and the operator counts of the optimized graph.</returns>
    /// <exception cref="ActivationGraphVerificationException">A check failed; the message lists every failure.</exception>
    public static MatMulQuantizationVerification Verify(
        MatMulQuantizationResult result,
        Microsoft.ML.OnnxRuntime.GraphOptimizationLevel optimization = Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_ALL)
    {
        ArgumentNullException.ThrowIfNull(result);
        return QuantizationVerifier.Verify(result, optimization);
    }

    /// <summary>
    /// The bias <c>Add(MatMul, b)</c> to fold: the MatMul's only reader, not a graph output, <c>b</c> a 1-D float constant of N values.
    /// </summary>
    private static (string? Bias, NodeProto? Add) FindBias(GraphIndex index, MatMulSite site)
    {
        if (index.ConsumerCount(site.Output) != 1 || index.Consumers(site.Output) is not [{ OpType: "Add" } add]
            || !GraphIndex.IsDefaultDomain(add.Domain) || add.Input.Count != 2 || add.Output.Count != 1)
        {
            return (null, null);
        }

        string bias = add.Input[0] == site.Output ? add.Input[1] : add.Input[0];
        return index.TryGetConstant(bias, out var tensor) && tensor.DataType == TensorValues.Float
            && tensor.Dims.Count == 1 && tensor.Dims[0] == site.OutputChannels && bias != site.Output
            ? (bias, add)
            : (null, null);
    }

    private static double MaxError(float[] weights, QuantizedWeight quantized)
    {
        double max = 0;
        for (int k = 0; k < quantized.Rows; k++)
        {
            for (int n = 0; n < quantized.Columns; n++)
            {
                max = Math.Max(max, Math.Abs(weights[k * quantized.Columns + n] - quantized.Dequantize(k, n)));
            }
        }

        return max;
    }
}

using MLNet.Gelu.Bert.Graphs.Detection;
using MLNet.Gelu.Bert.Graphs.Model;
using Onnx;

namespace MLNet.Gelu.Bert.Graphs.Quantization;

/// <summary>Finds the MatMuls with a constant 2-D float weight, and the tensors written by activations.</summary>
internal static class MatMulSiteFinder
{
    /// <summary>Activation operators the site finder does not report as sites (a rewrite to these is not re-detected).</summary>
    private static readonly HashSet<string> PlainActivationOps = ["Relu", "Elu", "Gelu"];

    /// <summary>One candidate: the site, its node, and its weight (null when it cannot be read, with the reason).</summary>
    public sealed record Candidate(MatMulSite Site, NodeProto Node, float[]? Weights, string? Unreadable);

    /// <summary>Every MatMul of the main graph whose B input is a constant rank-2 float tensor, in graph order.</summary>
    public static List<Candidate> Find(GraphIndex index)
    {
        var found = new List<Candidate>();
        var graph = index.Graph;
        for (int i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            if (node.OpType != "MatMul" || !GraphIndex.IsDefaultDomain(node.Domain) || node.Input.Count != 2 || node.Output.Count != 1
                || !index.TryGetConstant(node.Input[1], out var weight) || weight.Dims.Count != 2 || weight.DataType != TensorValues.Float
                || index.TryGetConstant(node.Input[0], out _))
            {
                continue;
            }

            if (weight.Dims[0] > int.MaxValue || weight.Dims[1] > int.MaxValue || weight.Dims[0] < 1 || weight.Dims[1] < 1)
            {
                continue;
            }

            var site = new MatMulSite(Label(node, i), node.Input[0], node.Input[1], node.Output[0], (int)weight.Dims[0], (int)weight.Dims[1]);
            found.Add(FloatTensors.TryRead(weight, out var values)
                ? new Candidate(site, node, values, null)
                : new Candidate(site, node, null, weight.DataLocation == TensorProto.Types.DataLocation.External
                    ? "its weight is stored outside the model file (external data)"
                    : "its weight's data does not match its dimensions"));
        }

        return found;
    }

    /// <summary>The tensors written by an activation (any GELU or SiLU form the inspector knows, or ReLU, ELU, ONNX Gelu), with its kind.</summary>
    public static Dictionary<string, string> ActivationOutputs(GraphIndex index)
    {
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (site, _) in ActivationSiteFinder.Find(index, ActivationRewriteOptions.Default).Sites)
        {
            outputs[site.Output] = site.Kind.ToString();
        }

        foreach (var node in index.Graph.Node.Where(n => GraphIndex.IsDefaultDomain(n.Domain) && PlainActivationOps.Contains(n.OpType) && n.Output.Count > 0))
        {
            outputs.TryAdd(node.Output[0], node.OpType);
        }

        return outputs;
    }

    /// <summary>A node's name, or <c>MatMul#i</c> when it has none.</summary>
    public static string Label(NodeProto node, int position) => node.Name.Length > 0 ? node.Name : $"{node.OpType}#{position}";
}

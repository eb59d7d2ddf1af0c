using MLNet.Gelu.Bert.Graphs.Model;
using Onnx;

namespace MLNet.Gelu.Bert.Graphs.Opsets;

/// <summary>
/// Raises a model's default-domain opset (from 11 or later) to a newer one, rewriting the operators whose
/// signature changed on the way: <c>axes</c>/<c>split</c> attributes that became inputs (<c>Unsqueeze</c>,
/// <c>Squeeze</c>, <c>ReduceSum</c>, <c>Split</c> at 13; the other <c>Reduce*</c> at 18), <c>Split</c>'s
/// <c>num_outputs</c> (18), <c>Dropout</c>'s <c>ratio</c> (12), and the opset-13 change of <c>Softmax</c>,
/// <c>LogSoftmax</c> and <c>Hardmax</c> from "flatten from axis" to "along axis".
/// </summary>
internal static class OpsetUpgrader
{
    /// <summary>The oldest default-domain opset this upgrader starts from.</summary>
    public const long MinimumSource = 11;

    private static readonly HashSet<string> ReducesAt18 =
    [
        "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare",
    ];

    private static readonly HashSet<string> Refused = ["Upsample", "Scatter", "DFT", "Momentum", "Adagrad", "Adam"];

    /// <summary>The IR version that goes with opset 20.</summary>
    private const long IrVersionForOpset20 = 9;

    /// <summary>
    /// Raises the default-domain opset of <paramref name="model"/> to <paramref name="target"/> in place, converting only the
    /// changes up to <paramref name="target"/> (13 for the per-row quantization, 20 for ONNX <c>Gelu</c>); returns the old
    /// version, or null when nothing changed.
    /// </summary>
    public static long? Upgrade(ModelProto model, long target)
    {
        var import = model.OpsetImport.FirstOrDefault(o => GraphIndex.IsDefaultDomain(o.Domain));
        if (import is null)
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = target });
            return null;
        }

        long from = import.Version;
        if (from >= target)
        {
            return null;
        }

        if (from < MinimumSource)
        {
            throw new NotSupportedException(
                $"The model imports default-domain opset {from}; raising it to {target} is supported from opset {MinimumSource}. " +
                "Convert the model to opset 11 or later first (for example with onnx.version_converter), or choose ActivationOpStyle.ContribOps or StandardOps.");
        }

        var names = new UniqueNames(model.Graph);
        UpgradeGraph(model.Graph, model.Graph, from, target, names);
        import.Version = target;
        model.IrVersion = Math.Max(model.IrVersion, IrVersionForOpset20);
        return from;
    }

    private static void UpgradeGraph(GraphProto graph, GraphProto main, long from, long to, UniqueNames names)
    {
        var nodes = new List<NodeProto>(graph.Node.Count);
        foreach (var node in graph.Node)
        {
            foreach (var subgraph in node.Attribute.SelectMany(GraphIndex.Subgraphs))
            {
                UpgradeGraph(subgraph, main, from, to, names);
            }

            if (!GraphIndex.IsDefaultDomain(node.Domain))
            {
                nodes.Add(node);
                continue;
            }

            if (Refused.Contains(node.OpType))
            {
                throw new NotSupportedException(
                    $"Node '{node.Name}' ({node.OpType}) changed meaning after opset {from} and is not converted; keep the model's opset and choose ActivationOpStyle.ContribOps or StandardOps.");
            }

            switch (node.OpType)
            {
                case "Unsqueeze" or "Squeeze" or "ReduceSum" when from < 13 && to >= 13:
                    MoveToInput(node, "axes", 1, main, names);
                    break;
                case "Split":
                    if (from < 13 && to >= 13)
                    {
                        MoveToInput(node, "split", 1, main, names);
                    }

                    if (from < 18 && to >= 18 && (node.Input.Count < 2 || node.Input[1].Length == 0) && NodeFactory.Find(node, "num_outputs") is null)
                    {
                        node.Attribute.Add(NodeFactory.Int("num_outputs", node.Output.Count));
                    }

                    break;
                case "Softmax" or "LogSoftmax" or "Hardmax" when from < 13 && to >= 13:
                    if (ReplaceFlattenedSoftmax(node, names) is { } replacement)
                    {
                        nodes.AddRange(replacement);
                        continue;
                    }

                    break;
                case "Dropout" when from < 12 && to >= 12 && NodeFactory.Find(node, "ratio") is { } ratio:
                    node.Attribute.Remove(ratio);
                    var ratioTensor = TensorValues.Scalar(names.Next($"{node.Name}/ratio"), ratio.F, TensorValues.Float);
                    main.Initializer.Add(ratioTensor);
                    while (node.Input.Count < 2)
                    {
                        node.Input.Add(string.Empty);
                    }

                    node.Input[1] = ratioTensor.Name;
                    break;
                case var op when from < 18 && to >= 18 && ReducesAt18.Contains(op):
                    MoveToInput(node, "axes", 1, main, names);
                    break;
            }

            nodes.Add(node);
        }

        graph.Node.Clear();
        graph.Node.AddRange(nodes);
    }

    /// <summary>Turns an INTS attribute into a constant int64 input at <paramref name="position"/>.</summary>
    private static void MoveToInput(NodeProto node, string attributeName, int position, GraphProto main, UniqueNames names)
    {
        var attribute = NodeFactory.Find(node, attributeName);
        if (attribute is null)
        {
            return;
        }

        node.Attribute.Remove(attribute);
        var tensor = TensorValues.Int64Vector(names.Next($"{(node.Name.Length > 0 ? node.Name : node.Output[0])}/{attributeName}"), attribute.Ints);
        main.Initializer.Add(tensor);
        while (node.Input.Count <= position)
        {
            node.Input.Add(string.Empty);
        }

        node.Input[position] = tensor.Name;
    }

    /// <summary>
    /// Before opset 13, <c>Softmax(axis=a)</c> flattened its input to 2-D at <c>a</c>. Axis −1 means the same in both;
    /// any other axis becomes <c>Shape</c>, <c>Flatten(a)</c>, <c>Softmax(-1)</c>, <c>Reshape</c> (exact for every rank).
    /// </summary>
    private static List<NodeProto>? ReplaceFlattenedSoftmax(NodeProto node, UniqueNames names)
    {
        var axisAttribute = NodeFactory.Find(node, "axis");
        long axis = axisAttribute?.I ?? 1;
        if (axis == -1)
        {
            if (axisAttribute is null)
            {
                node.Attribute.Add(NodeFactory.Int("axis", -1));
            }

            return null;
        }

        string stem = node.Name.Length > 0 ? node.Name : node.Output[0];
        string shape = names.Next($"{stem}/shape");
        string flat = names.Next($"{stem}/flat");
        string normalized = names.Next($"{stem}/flat_{node.OpType}");
        return
        [
            NodeFactory.Node("Shape", names.Next($"{stem}/Shape"), [node.Input[0]], [shape]),
            NodeFactory.Node("Flatten", names.Next($"{stem}/Flatten"), [node.Input[0]], [flat], string.Empty, NodeFactory.Int("axis", axis)),
            NodeFactory.Node(node.OpType, names.Next($"{stem}/{node.OpType}"), [flat], [normalized], string.Empty, NodeFactory.Int("axis", -1)),
            NodeFactory.Node("Reshape", names.Next($"{stem}/Reshape"), [normalized, shape], [node.Output[0]]),
        ];
    }
}

using Onnx;

namespace MLNet.Gelu.Bert.Graphs.Model;

/// <summary>
/// Who produces and who consumes each tensor of one graph, and which tensors are constants
/// (initializers or <c>Constant</c> nodes). Built once per pass; the graph must not change while it is used.
/// </summary>
internal sealed class GraphIndex
{
    private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NodeProto>> _consumers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _graphOutputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorProto> _constantNodes = new(StringComparer.Ordinal);

    public GraphIndex(GraphProto graph)
    {
        Graph = graph;
        foreach (var tensor in graph.Initializer)
        {
            _initializers[tensor.Name] = tensor;
        }

        foreach (var output in graph.Output)
        {
            _graphOutputs.Add(output.Name);
        }

        foreach (var node in graph.Node)
        {
            foreach (var output in node.Output)
            {
                if (output.Length > 0)
                {
                    _producers[output] = node;
                }
            }

            foreach (var input in ConsumedNames(node))
            {
                if (!_consumers.TryGetValue(input, out var list))
                {
                    _consumers[input] = list = [];
                }

                if (!list.Contains(node))
                {
                    list.Add(node);
                }
            }

            if (node.OpType == "Constant" && IsDefaultDomain(node.Domain) && node.Output.Count == 1
                && TensorValues.TryGetConstantNodeValue(node, out var value))
            {
                _constantNodes[node.Output[0]] = value;
            }
        }
    }

    /// <summary>The indexed graph.</summary>
    public GraphProto Graph { get; }

    /// <summary>True for the default ONNX domain, written as "" or "ai.onnx".</summary>
    public static bool IsDefaultDomain(string domain) => domain.Length == 0 || domain == "ai.onnx";

    /// <summary>The node that produces <paramref name="tensor"/>, or null for graph inputs and initializers.</summary>
    public NodeProto? Producer(string tensor) => _producers.GetValueOrDefault(tensor);

    /// <summary>The distinct nodes that read <paramref name="tensor"/> (including through subgraphs).</summary>
    public IReadOnlyList<NodeProto> Consumers(string tensor) =>
        _consumers.TryGetValue(tensor, out var list) ? list : [];

    /// <summary>How many readers <paramref name="tensor"/> has; a graph output counts as one more.</summary>
    public int ConsumerCount(string tensor) => Consumers(tensor).Count + (_graphOutputs.Contains(tensor) ? 1 : 0);

    /// <summary>True when <paramref name="tensor"/> is one of the graph's outputs.</summary>
    public bool IsGraphOutput(string tensor) => _graphOutputs.Contains(tensor);

    /// <summary>The constant value of <paramref name="tensor"/>, from an initializer or a <c>Constant</c> node.</summary>
    public bool TryGetConstant(string tensor, out TensorProto value)
    {
        if (_constantNodes.TryGetValue(tensor, out value!))
        {
            return true;
        }

        // An initializer that is also a graph input can be overridden by the caller: not a constant.
        if (_initializers.TryGetValue(tensor, out value!) && !Graph.Input.Any(i => i.Name == tensor))
        {
            return true;
        }

        value = null!;
        return false;
    }

    /// <summary>The value of a one-element floating-point constant (rank 0 or 1), with its ONNX element type.</summary>
    public bool TryGetScalar(string tensor, out double value, out int elementType)
    {
        value = 0;
        elementType = 0;
        return TryGetConstant(tensor, out var t) && t.Dims.Count <= 1 && TensorValues.TryReadScalar(t, out value, out elementType);
    }

    /// <summary>The ONNX element type of <paramref name="tensor"/> as declared by the graph's inputs, outputs or value infos, or 0.</summary>
    public int ElementTypeOf(string tensor)
    {
        var declared = Graph.Input.Concat(Graph.Output).Concat(Graph.ValueInfo).FirstOrDefault(v => v.Name == tensor);
        if (declared?.Type?.TensorType is { } tensorType)
        {
            return tensorType.ElemType;
        }

        return _initializers.TryGetValue(tensor, out var initializer) ? initializer.DataType : 0;
    }

    /// <summary>Every tensor name a node reads, its own inputs and the outer names its subgraphs read.</summary>
    public static IEnumerable<string> ConsumedNames(NodeProto node)
    {
        foreach (var input in node.Input)
        {
            if (input.Length > 0)
            {
                yield return input;
            }
        }

        foreach (var attribute in node.Attribute)
        {
            foreach (var subgraph in Subgraphs(attribute))
            {
                foreach (var inner in subgraph.Node)
                {
                    foreach (var name in ConsumedNames(inner))
                    {
                        yield return name;
                    }
                }
            }
        }
    }

    /// <summary>The subgraphs held by an attribute (<c>If</c>, <c>Loop</c>, <c>Scan</c> bodies).</summary>
    public static IEnumerable<GraphProto> Subgraphs(AttributeProto attribute)
    {
        if (attribute.G is not null)
        {
            yield return attribute.G;
        }

        foreach (var graph in attribute.Graphs)
        {
            yield return graph;
        }
    }
}

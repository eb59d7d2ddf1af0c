using MLNet.Gelu.Bert.Graphs.Model;
using Onnx;

namespace MLNet.Gelu.Bert.Graphs.Emission;

/// <summary>Collects the nodes and constants an emitter writes, with names unique in the graph.</summary>
internal sealed class EmitContext(UniqueNames names, string prefix, int elementType)
{
    /// <summary>The new nodes, in execution order.</summary>
    public List<NodeProto> Nodes { get; } = [];

    /// <summary>The new initializers.</summary>
    public List<TensorProto> Initializers { get; } = [];

    /// <summary>The element type of the activation; float when the graph does not say.</summary>
    public int ElementType { get; } = elementType == 0 ? TensorValues.Float : elementType;

    /// <summary>Set when a <c>com.microsoft</c> operator was written.</summary>
    public bool UsesContribDomain { get; set; }

    /// <summary>Set when an operator needs default-domain opset 20 (ONNX <c>Gelu</c>).</summary>
    public bool NeedsOpset20 { get; set; }

    /// <summary>A fresh intermediate tensor name.</summary>
    public string Tensor(string stem) => names.Next($"{prefix}/{stem}_output");

    /// <summary>A scalar initializer of the activation's element type; returns its name.</summary>
    public string Constant(string stem, double value)
    {
        var tensor = TensorValues.Scalar(names.Next($"{prefix}/{stem}"), value, ElementType);
        Initializers.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Appends a node named after <paramref name="stem"/>.</summary>
    public void Add(string opType, string stem, IEnumerable<string> inputs, string output, string domain = "", params AttributeProto[] attributes)
    {
        Nodes.Add(NodeFactory.Node(opType, names.Next($"{prefix}/{stem}"), inputs, [output], domain, attributes));
        if (domain == NodeFactory.MicrosoftDomain)
        {
            UsesContribDomain = true;
        }
    }
}

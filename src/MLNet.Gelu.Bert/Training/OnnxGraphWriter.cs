using MLNet.Gelu.Bert.Graphs.Emission;
using MLNet.Gelu.Bert.Graphs.Model;
using MLNet.Gelu.Bert.Graphs.Quantization;
using Onnx;

namespace MLNet.Gelu.Bert.Training;

/// <summary>
/// Appends nodes and initializers to a new ONNX graph, in execution order, with names unique in the graph: each helper
/// returns the name of the tensor it wrote. Activations are written by the rewriter's emitters, so an exported graph
/// holds exactly the shapes the activation inspector and rewriter recognise.
/// </summary>
internal sealed class OnnxGraphWriter
{
    private readonly UniqueNames _names;

    public OnnxGraphWriter(string name)
    {
        Graph = new GraphProto { Name = name };
        _names = new UniqueNames(Graph);
    }

    public GraphProto Graph { get; }

    /// <summary>Appends one node and returns its (single) output's name.</summary>
    public string Node(string opType, string stem, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        string output = _names.Next($"{stem}_output");
        Graph.Node.Add(NodeFactory.Node(opType, _names.Next(stem), inputs, [output], string.Empty, attributes));
        return output;
    }

    /// <summary>A float initializer; the name is taken as given when free (parameters keep their Hugging Face names).</summary>
    public string Floats(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        var tensor = FloatTensors.Float(_names.Next(name), values, dims);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A rank-0 float initializer.</summary>
    public string Scalar(string name, double value)
    {
        var tensor = TensorValues.Scalar(_names.Next(name), value, TensorValues.Float);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A 1-D int64 initializer (axes, shapes, slice bounds).</summary>
    public string Int64s(string name, params long[] values)
    {
        var tensor = TensorValues.Int64Vector(_names.Next(name), values);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Writes <paramref name="activation"/> of <paramref name="input"/> in standard operators and returns its output.</summary>
    public string Activation(Activation activation, string prefix, string input)
    {
        var context = new EmitContext(_names, prefix, TensorValues.Float);
        string output = _names.Next($"{prefix}/activation_output");
        EmitterSelection.For(activation, Graphs.ActivationOpStyle.StandardOps).Emit(context, input, null, output);
        Graph.Node.AddRange(context.Nodes);
        Graph.Initializer.AddRange(context.Initializers);
        return output;
    }

    /// <summary>Declares a graph input (its name is reserved) and returns the name.</summary>
    public string Input(string name, int elementType, params object[] dims)
    {
        Graph.Input.Add(Value(_names.Next(name), elementType, dims));
        return Graph.Input[^1].Name;
    }

    /// <summary>Declares a graph output computed as <paramref name="tensor"/> (through an <c>Identity</c> named <paramref name="name"/>).</summary>
    public void Output(string name, string tensor, int elementType, params object[] dims)
    {
        string output = _names.Next(name);
        Graph.Node.Add(NodeFactory.Node("Identity", _names.Next($"{name}_identity"), [tensor], [output]));
        Graph.Output.Add(Value(output, elementType, dims));
    }

    private static ValueInfoProto Value(string name, int elementType, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d is string symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture) });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elementType, Shape = shape } } };
    }
}

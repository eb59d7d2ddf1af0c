using Google.Protobuf;
using Onnx;

namespace MLNet.Gelu.Bert.Tests.Graphs;

/// <summary>Builds small ONNX models with OnnxSharp protos: float inputs of shape [N, width], scalar constants, nodes.</summary>
public sealed class TestGraph
{
    private readonly ModelProto _model;
    private int _counter;

    public TestGraph(long opset = 13, bool contrib = false)
    {
        _model = new ModelProto { IrVersion = opset >= 20 ? 9 : 7, ProducerName = "tests", Graph = new GraphProto { Name = "test" } };
        _model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = opset });
        if (contrib)
        {
            _model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
        }
    }

    public GraphProto Graph => _model.Graph;

    /// <summary>A float input of shape [N, width] (N symbolic).</summary>
    public string Input(string name, long width)
    {
        Graph.Input.Add(ValueInfo(name, width));
        return name;
    }

    public void Output(string name, long width = 0) => Graph.Output.Add(ValueInfo(name, width));

    /// <summary>A float output of unknown shape.</summary>
    public void OutputOfAnyShape(string name) => Graph.Output.Add(new ValueInfoProto
    {
        Name = name,
        Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1 } },
    });

    /// <summary>A scalar float constant, as an initializer or (asNode) a <c>Constant</c> node.</summary>
    public string Const(double value, bool asNode = false)
    {
        string name = $"c{_counter++}";
        var tensor = new TensorProto { Name = name, DataType = 1, FloatData = { (float)value } };
        if (asNode)
        {
            tensor.Name = string.Empty;
            Graph.Node.Add(new NodeProto
            {
                OpType = "Constant", Name = $"Constant_{name}", Output = { name },
                Attribute = { new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = tensor } },
            });
        }
        else
        {
            Graph.Initializer.Add(tensor);
        }

        return name;
    }

    /// <summary>A float initializer of the given shape.</summary>
    public string Tensor(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = 1, Dims = { dims } };
        tensor.FloatData.Add(values);
        Graph.Initializer.Add(tensor);
        return name;
    }

    public string Op(string opType, params string[] inputs) => Op(opType, string.Empty, [], inputs);

    public string Op(string opType, string domain, AttributeProto[] attributes, params string[] inputs)
    {
        string output = $"t{_counter++}";
        var node = new NodeProto { OpType = opType, Domain = domain, Name = $"{opType}_{_counter}", Output = { output } };
        node.Input.Add(inputs);
        node.Attribute.Add(attributes);
        Graph.Node.Add(node);
        return output;
    }

    /// <summary>Renames the tensor <paramref name="from"/> to <paramref name="to"/> wherever a node writes or reads it.</summary>
    public void Rename(string from, string to)
    {
        foreach (var node in Graph.Node)
        {
            for (int i = 0; i < node.Output.Count; i++)
            {
                if (node.Output[i] == from)
                {
                    node.Output[i] = to;
                }
            }

            for (int i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i] == from)
                {
                    node.Input[i] = to;
                }
            }
        }
    }

    public static AttributeProto FloatAttribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto IntsAttribute(string name, params long[] values) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { values } };

    public static AttributeProto StringAttribute(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public ModelProto Model => _model;

    public byte[] ToBytes() => _model.ToByteArray();

    private static ValueInfoProto ValueInfo(string name, long width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        if (width > 0)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
        }
        else
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "W" });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } },
        };
    }
}

using Google.Protobuf;
using Onnx;

namespace MLNet.Gelu.Benchmarks.Onnx;

/// <summary>
/// Builds an ONNX model with one node, <c>Y = op(X)</c>, X and Y float [length]: opset 13 plus the
/// <c>com.microsoft</c> contrib domain (opset 1), so ONNX Runtime runs its own kernel for the activation.
/// </summary>
internal static class OneNodeModel
{
    private const string ContribDomain = "com.microsoft";

    /// <summary>The ONNX Runtime operator that computes <paramref name="activation"/>, as "domain.Op(attributes)".</summary>
    public static string Describe(Activation activation)
    {
        var (domain, op, alpha) = OperatorFor(activation);
        string name = domain.Length == 0 ? op : $"{domain}.{op}";
        return alpha is float a ? $"{name}(alpha={a})" : name;
    }

    public static byte[] Build(Activation activation, int length)
    {
        var (domain, op, alpha) = OperatorFor(activation);
        var node = new NodeProto { OpType = op, Domain = domain, Name = op };
        node.Input.Add("X");
        node.Output.Add("Y");
        if (alpha is float a)
        {
            node.Attribute.Add(new AttributeProto { Name = "alpha", Type = AttributeProto.Types.AttributeType.Float, F = a });
        }

        var graph = new GraphProto { Name = $"{activation}_{length}" };
        graph.Node.Add(node);
        graph.Input.Add(FloatVector("X", length));
        graph.Output.Add(FloatVector("Y", length));

        var model = new ModelProto { IrVersion = 8, ProducerName = "MLNet.Gelu.Benchmarks", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = ContribDomain, Version = 1 });
        return model.ToByteArray();
    }

    private static (string Domain, string Op, float? Alpha) OperatorFor(Activation activation) => activation switch
    {
        Activation.Gelu => (ContribDomain, "Gelu", null),
        Activation.GeluTanh => (ContribDomain, "FastGelu", null),
        Activation.GeluSigmoid => (ContribDomain, "QuickGelu", 1.702f),
        Activation.Silu => (ContribDomain, "QuickGelu", 1f),
        Activation.Relu => ("", "Relu", null),
        Activation.Elu => ("", "Elu", 1f),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "No ONNX Runtime operator is mapped for this activation."),
    };

    private static ValueInfoProto FloatVector(string name, int length)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = length });
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape };
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }
}

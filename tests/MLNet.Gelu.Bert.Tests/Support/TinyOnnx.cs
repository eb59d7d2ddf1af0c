using Google.Protobuf;
using Onnx;

namespace MLNet.Gelu.Bert.Tests.Support;

/// <summary>Builds small ONNX models in memory for tests.</summary>
internal static class TinyOnnx
{
    public const int Float = (int)TensorProto.Types.DataType.Float;
    public const int Int64 = (int)TensorProto.Types.DataType.Int64;

    /// <summary>A dynamic dimension is written as -1.</summary>
    public static ValueInfoProto Tensor(string name, int elementType, params long[] dims)
    {
        var shape = new TensorShapeProto();
        for (var i = 0; i < dims.Length; i++)
        {
            shape.Dim.Add(dims[i] < 0
                ? new TensorShapeProto.Types.Dimension { DimParam = $"d{i}" }
                : new TensorShapeProto.Types.Dimension { DimValue = dims[i] });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elementType, Shape = shape } },
        };
    }

    public static byte[] Build(IEnumerable<ValueInfoProto> inputs, IEnumerable<ValueInfoProto> outputs, IEnumerable<NodeProto> nodes, IEnumerable<TensorProto>? initializers = null)
    {
        var graph = new GraphProto { Name = "tiny" };
        graph.Input.AddRange(inputs);
        graph.Output.AddRange(outputs);
        graph.Node.AddRange(nodes);
        if (initializers is not null)
        {
            graph.Initializer.AddRange(initializers);
        }

        var model = new ModelProto { IrVersion = 8, ProducerName = "tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model.ToByteArray();
    }

    public static NodeProto Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = op + "_" + outputs[0] };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    /// <summary>
    /// A BERT-shaped toy: inputs <c>input_ids</c> and <c>attention_mask</c> (no token types), output
    /// <c>last_hidden_state</c>[b, s, 4] = id × (1, 2, 3, 4) + mask × (0, 0, 0, 100), so pooling is checkable by hand.
    /// </summary>
    public static byte[] ToyEncoder()
    {
        var weights = new TensorProto { Name = "w", DataType = Float };
        weights.Dims.AddRange([1, 1, 4]);
        weights.FloatData.AddRange([1f, 2f, 3f, 4f]);
        var maskWeights = new TensorProto { Name = "mw", DataType = Float };
        maskWeights.Dims.AddRange([1, 1, 4]);
        maskWeights.FloatData.AddRange([0f, 0f, 0f, 100f]);
        var axes = new TensorProto { Name = "axes", DataType = Int64 };
        axes.Dims.Add(1);
        axes.Int64Data.Add(2);
        var to = new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = Float };
        return Build(
            [Tensor("input_ids", Int64, -1, -1), Tensor("attention_mask", Int64, -1, -1)],
            [Tensor("last_hidden_state", Float, -1, -1, 4)],
            [
                Node("Cast", ["input_ids"], ["idsf"], to),
                Node("Unsqueeze", ["idsf", "axes"], ["ids3"]),
                Node("Mul", ["ids3", "w"], ["a"]),
                Node("Cast", ["attention_mask"], ["maskf"], to.Clone()),
                Node("Unsqueeze", ["maskf", "axes"], ["mask3"]),
                Node("Mul", ["mask3", "mw"], ["b"]),
                Node("Add", ["a", "b"], ["last_hidden_state"]),
            ],
            [weights, maskWeights, axes]);
    }

    /// <summary>
    /// A model ONNX Runtime loads but cannot run on the two-token input a session measures its hidden size with: the
    /// output's last dimension is symbolic (so the session measures it), and the graph reshapes [batch, tokens] ids to
    /// [batch, tokens, 3], which has the wrong element count for every input.
    /// </summary>
    public static byte[] UnmeasurableEncoder()
    {
        var shape = new TensorProto { Name = "shape", DataType = Int64 };
        shape.Dims.Add(3);
        shape.Int64Data.AddRange([0, 0, 3]);
        var to = new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = Float };
        return Build(
            [Tensor("input_ids", Int64, -1, -1)],
            [Tensor("last_hidden_state", Float, -1, -1, -1)],
            [
                Node("Cast", ["input_ids"], ["idsf"], to),
                Node("Reshape", ["idsf", "shape"], ["last_hidden_state"]),
            ],
            [shape]);
    }

    /// <summary>A vocabulary for the toy: [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, then the words.</summary>
    public static string ToyVocabulary => "[PAD]\n[UNK]\n[CLS]\n[SEP]\na\nb\nc\nd\ne\nf\ng\nh\n##s\n";
}

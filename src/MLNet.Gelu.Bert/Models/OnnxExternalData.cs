namespace MLNet.Gelu.Bert;

/// <summary>One tensor of an ONNX model whose bytes live in another file (<c>TensorProto.external_data</c>).</summary>
/// <param name="Tensor">The tensor's name (empty when it has none).</param>
/// <param name="Location">The file the model names (its <c>location</c> entry), or <see langword="null"/> when it names none.</param>
internal sealed record OnnxExternalTensor(string Tensor, string? Location);

/// <summary>
/// Finds every tensor of an ONNX model that keeps its data in an external file, wherever ONNX allows one: graph
/// initializers and sparse initializers, node attributes (a <c>Constant</c>'s value, tensor lists, sparse tensors),
/// subgraphs of control-flow nodes at any depth, training graphs and functions. Reads the protobuf wire format with
/// <see cref="ProtoReader"/>, so the weights are never copied.
/// </summary>
internal static class OnnxExternalData
{
    /// <summary>The deepest nesting of subgraphs read; a deeper model is refused rather than risking the stack.</summary>
    internal const int MaxDepth = 64;

    private const int ModelGraph = 7, ModelTrainingInfo = 20, ModelFunctions = 25;
    private const int TrainingInitialization = 1, TrainingAlgorithm = 2;
    private const int FunctionNode = 7;
    private const int GraphNode = 1, GraphInitializer = 5, GraphSparseInitializer = 15;
    private const int NodeAttribute = 5;
    private const int AttributeTensor = 5, AttributeGraph = 6, AttributeTensors = 10, AttributeGraphs = 11, AttributeSparseTensor = 22, AttributeSparseTensors = 23;
    private const int SparseValues = 1, SparseIndices = 2;
    private const int TensorName = 8, TensorExternalData = 13, TensorDataLocation = 14;
    private const int EntryKey = 1, EntryValue = 2;
    private const ulong External = 1;

    /// <summary>The external tensors of <paramref name="model"/>, in file order.</summary>
    /// <exception cref="ProtoFormatException">The bytes are not valid protobuf, or nest subgraphs deeper than <see cref="MaxDepth"/>.</exception>
    public static IReadOnlyList<OnnxExternalTensor> Find(ReadOnlySpan<byte> model)
    {
        var found = new List<OnnxExternalTensor>();
        var reader = new ProtoReader(model);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case ModelGraph when wire == 2: Graph(reader.ReadBytes(), found, 1); break;
                case ModelTrainingInfo when wire == 2: TrainingInfo(reader.ReadBytes(), found); break;
                case ModelFunctions when wire == 2: Function(reader.ReadBytes(), found); break;
                default: reader.Skip(wire); break;
            }
        }

        return found;
    }

    private static void TrainingInfo(ReadOnlySpan<byte> info, List<OnnxExternalTensor> found)
    {
        var reader = new ProtoReader(info);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            if (field is TrainingInitialization or TrainingAlgorithm && wire == 2)
            {
                Graph(reader.ReadBytes(), found, 1);
            }
            else
            {
                reader.Skip(wire);
            }
        }
    }

    private static void Function(ReadOnlySpan<byte> function, List<OnnxExternalTensor> found)
    {
        var reader = new ProtoReader(function);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            if (field == FunctionNode && wire == 2)
            {
                Node(reader.ReadBytes(), found, 1);
            }
            else
            {
                reader.Skip(wire);
            }
        }
    }

    private static void Graph(ReadOnlySpan<byte> graph, List<OnnxExternalTensor> found, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ProtoFormatException(truncated: false, $"subgraphs nest deeper than {MaxDepth} levels");
        }

        var reader = new ProtoReader(graph);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case GraphNode when wire == 2: Node(reader.ReadBytes(), found, depth); break;
                case GraphInitializer when wire == 2: Tensor(reader.ReadBytes(), found); break;
                case GraphSparseInitializer when wire == 2: SparseTensor(reader.ReadBytes(), found); break;
                default: reader.Skip(wire); break;
            }
        }
    }

    private static void Node(ReadOnlySpan<byte> node, List<OnnxExternalTensor> found, int depth)
    {
        var reader = new ProtoReader(node);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            if (field == NodeAttribute && wire == 2)
            {
                Attribute(reader.ReadBytes(), found, depth);
            }
            else
            {
                reader.Skip(wire);
            }
        }
    }

    private static void Attribute(ReadOnlySpan<byte> attribute, List<OnnxExternalTensor> found, int depth)
    {
        var reader = new ProtoReader(attribute);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case AttributeTensor or AttributeTensors when wire == 2: Tensor(reader.ReadBytes(), found); break;
                case AttributeGraph or AttributeGraphs when wire == 2: Graph(reader.ReadBytes(), found, depth + 1); break;
                case AttributeSparseTensor or AttributeSparseTensors when wire == 2: SparseTensor(reader.ReadBytes(), found); break;
                default: reader.Skip(wire); break;
            }
        }
    }

    private static void SparseTensor(ReadOnlySpan<byte> sparse, List<OnnxExternalTensor> found)
    {
        var reader = new ProtoReader(sparse);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            if (field is SparseValues or SparseIndices && wire == 2)
            {
                Tensor(reader.ReadBytes(), found);
            }
            else
            {
                reader.Skip(wire);
            }
        }
    }

    /// <summary>Records the tensor when it is marked external or carries external-data entries (either is enough to be checked).</summary>
    private static void Tensor(ReadOnlySpan<byte> tensor, List<OnnxExternalTensor> found)
    {
        var reader = new ProtoReader(tensor);
        string name = "";
        string? location = null;
        bool external = false;
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case TensorName when wire == 2:
                    name = reader.ReadString();
                    break;
                case TensorDataLocation when wire == 0:
                    external |= reader.ReadVarint() == External;
                    break;
                case TensorExternalData when wire == 2:
                    external = true;
                    var (key, value) = Entry(reader.ReadBytes());
                    if (key == "location")
                    {
                        location = value;
                    }

                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        if (external)
        {
            found.Add(new OnnxExternalTensor(name, location));
        }
    }

    private static (string Key, string Value) Entry(ReadOnlySpan<byte> entry)
    {
        var reader = new ProtoReader(entry);
        string key = "", value = "";
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            if (field == EntryKey && wire == 2)
            {
                key = reader.ReadString();
            }
            else if (field == EntryValue && wire == 2)
            {
                value = reader.ReadString();
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return (key, value);
    }
}

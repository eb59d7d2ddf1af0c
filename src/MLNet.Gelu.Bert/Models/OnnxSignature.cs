namespace MLNet.Gelu.Bert;

/// <summary>One graph input or output: name, ONNX element type and dimensions (-1 where symbolic).</summary>
internal sealed record OnnxTensorInfo(string Name, int ElementType, long[] Dimensions)
{
    public const int Float = 1;
    public const int Int32 = 6;
    public const int Int64 = 7;

    public override string ToString() =>
        $"{Name} ({ElementTypeName(ElementType)} [{string.Join(", ", Dimensions.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}])";

    public static string ElementTypeName(int type) => type switch
    {
        Float => "float",
        Int32 => "int32",
        Int64 => "int64",
        10 => "float16",
        11 => "double",
        16 => "bfloat16",
        _ => $"type {type}",
    };
}

/// <summary>The inputs and outputs of an ONNX graph, read without materializing its weights.</summary>
internal sealed record OnnxSignature(IReadOnlyList<OnnxTensorInfo> Inputs, IReadOnlyList<OnnxTensorInfo> Outputs)
{
    private const int ModelGraph = 7;
    private const int ModelOpsetImport = 8;
    private const int GraphInitializer = 5;
    private const int GraphInput = 11;
    private const int GraphOutput = 12;

    /// <summary>Whether the model declares at least one operator set (<c>opset_import</c>); ONNX requires one.</summary>
    public bool HasOpsetImport { get; private init; }

    /// <summary>Reads the signature; throws <see cref="ProtoFormatException"/> on bad bytes, returns null when there is no graph.</summary>
    public static OnnxSignature? Read(ReadOnlySpan<byte> model)
    {
        var reader = new ProtoReader(model);
        OnnxSignature? signature = null;
        var opsets = false;
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            if (field == ModelGraph && wire == 2)
            {
                signature = ReadGraph(reader.ReadBytes());
            }
            else
            {
                opsets |= field == ModelOpsetImport && wire == 2;
                reader.Skip(wire);
            }
        }

        return signature is null ? null : signature with { HasOpsetImport = opsets };
    }

    private static OnnxSignature ReadGraph(ReadOnlySpan<byte> graph)
    {
        var reader = new ProtoReader(graph);
        var inputs = new List<OnnxTensorInfo>();
        var outputs = new List<OnnxTensorInfo>();
        var initializers = new HashSet<string>(StringComparer.Ordinal);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case GraphInput when wire == 2: inputs.Add(ReadValueInfo(reader.ReadBytes())); break;
                case GraphOutput when wire == 2: outputs.Add(ReadValueInfo(reader.ReadBytes())); break;
                case GraphInitializer when wire == 2: initializers.Add(ReadInitializerName(reader.ReadBytes())); break;
                default: reader.Skip(wire); break;
            }
        }

        // Before IR version 4 the weights were listed among the graph inputs too.
        inputs.RemoveAll(i => initializers.Contains(i.Name));
        return new OnnxSignature(inputs, outputs);
    }

    private static string ReadInitializerName(ReadOnlySpan<byte> tensor)
    {
        var reader = new ProtoReader(tensor);
        var name = "";
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            if (field == 8 && wire == 2)
            {
                name = reader.ReadString();
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return name;
    }

    private static OnnxTensorInfo ReadValueInfo(ReadOnlySpan<byte> valueInfo)
    {
        var reader = new ProtoReader(valueInfo);
        var name = "";
        var elementType = 0;
        long[] dims = [];
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            if (field == 1 && wire == 2)
            {
                name = reader.ReadString();
            }
            else if (field == 2 && wire == 2)
            {
                (elementType, dims) = ReadTensorType(reader.ReadBytes());
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return new OnnxTensorInfo(name, elementType, dims);
    }

    private static (int ElementType, long[] Dims) ReadTensorType(ReadOnlySpan<byte> typeProto)
    {
        var elementType = 0;
        long[] dims = [];
        var reader = new ProtoReader(typeProto);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            if (field != 1 || wire != 2)
            {
                reader.Skip(wire);
                continue;
            }

            var tensor = new ProtoReader(reader.ReadBytes());
            while (!tensor.End)
            {
                var (tf, tw) = tensor.ReadTag();
                if (tf == 1 && tw == 0)
                {
                    elementType = (int)tensor.ReadVarint();
                }
                else if (tf == 2 && tw == 2)
                {
                    dims = ReadShape(tensor.ReadBytes());
                }
                else
                {
                    tensor.Skip(tw);
                }
            }
        }

        return (elementType, dims);
    }

    private static long[] ReadShape(ReadOnlySpan<byte> shape)
    {
        var dims = new List<long>();
        var reader = new ProtoReader(shape);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            if (field != 1 || wire != 2)
            {
                reader.Skip(wire);
                continue;
            }

            var dim = new ProtoReader(reader.ReadBytes());
            long value = -1;
            while (!dim.End)
            {
                var (df, dw) = dim.ReadTag();
                if (df == 1 && dw == 0)
                {
                    value = (long)dim.ReadVarint();
                }
                else
                {
                    dim.Skip(dw);
                }
            }

            dims.Add(value);
        }

        return [.. dims];
    }
}

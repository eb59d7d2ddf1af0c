using Google.Protobuf;
using MLNet.Gelu.Gemm;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace MLNet.Gelu.Persistence;

/// <summary>
/// Writes an MLP as an ONNX graph (opset 13, standard operators only) that maps one row's features <c>[F]</c> to its
/// logits <c>[K]</c>: <c>MatMul</c> + <c>Add</c> per layer, the activation between layers written with standard operators
/// (exact GELU as <c>0.5·x·(1 + Erf(x/√2))</c>, the tanh and sigmoid forms as <c>x·Sigmoid(·)</c>). Shapes are per row
/// because ML.NET's <c>ApplyOnnxModel</c> feeds one row at a time.
/// </summary>
internal static class MlpOnnxGraph
{
    internal static byte[] Create(MlpModelParameters model, string inputName, string outputName)
    {
        var layers = model.Layers;
        var graph = new GraphProto { Name = "mlp" };
        graph.Input.Add(Value(inputName, layers.Sizes[0]));
        graph.Output.Add(Value(outputName, layers.Sizes[^1]));
        var writer = new Writer(graph);

        string x = inputName;
        for (int l = 0; l < layers.LayerCount; l++)
        {
            int inputs = layers.Sizes[l], outputs = layers.Sizes[l + 1];
            string w = writer.Initializer($"W{l}", MatrixTranspose.Of(layers.Weights[l], outputs, inputs), inputs, outputs);
            string b = writer.Initializer($"B{l}", layers.Biases[l], outputs);
            string product = writer.Node("MatMul", x, w);
            bool last = l == layers.LayerCount - 1;
            x = writer.Node("Add", [product, b], last ? outputName : null);
            if (!last)
            {
                x = Activate(writer, layers.Activation, x);
            }
        }

        var onnx = new ModelProto { IrVersion = 7, ProducerName = "MLNet.Gelu", Graph = graph };
        onnx.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 13 });
        return onnx.ToByteArray();
    }

    private static string Activate(Writer writer, Activation activation, string x)
    {
        switch (activation)
        {
            case Activation.Relu:
                return writer.Node("Relu", x);
            case Activation.Elu:
                return writer.Node("Elu", x);
            case Activation.Silu:
                return writer.Node("Mul", x, writer.Node("Sigmoid", x));
            case Activation.GeluSigmoid:
                return writer.Node("Mul", x, writer.Node("Sigmoid", writer.Node("Mul", x, writer.Scalar(1.702f))));
            case Activation.GeluTanh:
                // x·σ(2u), u = √(2/π)(x + 0.044715x³), the form the library's kernel uses.
                string cube = writer.Node("Mul", writer.Node("Mul", x, x), x);
                string inner = writer.Node("Add", x, writer.Node("Mul", cube, writer.Scalar(0.044715f)));
                return writer.Node("Mul", x, writer.Node("Sigmoid", writer.Node("Mul", inner, writer.Scalar(1.5957691216057308f))));
            case Activation.Gelu:
                string erf = writer.Node("Erf", writer.Node("Mul", x, writer.Scalar(0.7071067811865476f)));
                string half = writer.Node("Mul", x, writer.Scalar(0.5f));
                return writer.Node("Add", half, writer.Node("Mul", half, erf));
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "No ONNX form for this activation.");
        }
    }

    private static ValueInfoProto Value(string name, long size)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = size });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float, Shape = shape } },
        };
    }

    private sealed class Writer(GraphProto graph)
    {
        private int _count;

        internal string Scalar(float value) => Initializer($"c{_count++}", [value]);

        internal string Initializer(string name, float[] values, params long[] dims)
        {
            var tensor = new TensorProto { Name = name, DataType = (int)DataType.Float };
            tensor.Dims.AddRange(dims);
            tensor.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
            graph.Initializer.Add(tensor);
            return name;
        }

        internal string Node(string op, params string[] inputs) => Node(op, inputs, null);

        internal string Node(string op, string[] inputs, string? output)
        {
            var node = new NodeProto { OpType = op, Name = $"n{_count}" };
            node.Input.AddRange(inputs);
            node.Output.Add(output ?? $"t{_count}");
            _count++;
            graph.Node.Add(node);
            return node.Output[0];
        }
    }
}

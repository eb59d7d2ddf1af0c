using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace MLNet.Gelu.Benchmarks.Training;

/// <summary>
/// ONNX Runtime's SGEMM (MLAS) on one shape: a one-node model, inputs A and B as stored by the MLP (both graph inputs,
/// so nothing is pre-packed at load), output Y, all three bound once to the caller's arrays. The NN form is a
/// <c>MatMul</c> node; the NT and TN forms are a <c>Gemm</c> node with <c>transB</c> / <c>transA</c> (MatMul has no
/// transpose flags; both run MLAS' SGEMM on CPU). 2 intra-op threads, spinning off.
/// </summary>
internal sealed class OrtGemmSession : IDisposable
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue[] _values;
    private readonly OrtIoBinding _binding;

    public OrtGemmSession(GemmShape shape, float[] a, float[] b, float[] c, int intraOpThreads)
    {
        _options = Bert.RawMiniLm.SessionOptionsFor(intraOpThreads);
        _session = new InferenceSession(Build(shape), _options);
        _values =
        [
            OrtValue.CreateTensorValueFromMemory(a, shape.AShape),
            OrtValue.CreateTensorValueFromMemory(b, shape.BShape),
            OrtValue.CreateTensorValueFromMemory(c, [shape.M, shape.N]),
        ];
        _binding = _session.CreateIoBinding();
        _binding.BindInput("A", _values[0]);
        _binding.BindInput("B", _values[1]);
        _binding.BindOutput("Y", _values[2]);
    }

    public void Run() => _session.RunWithBinding(_runOptions, _binding);

    public void Dispose()
    {
        _binding.Dispose();
        foreach (var value in _values)
        {
            value.Dispose();
        }

        _runOptions.Dispose();
        _session.Dispose();
        _options.Dispose();
    }

    private static byte[] Build(GemmShape shape)
    {
        var node = new NodeProto { OpType = shape.Form == GemmForm.NN ? "MatMul" : "Gemm", Name = "product" };
        node.Input.Add("A");
        node.Input.Add("B");
        node.Output.Add("Y");
        if (shape.Form != GemmForm.NN)
        {
            node.Attribute.Add(new AttributeProto
            {
                Name = shape.Form == GemmForm.NT ? "transB" : "transA",
                Type = AttributeProto.Types.AttributeType.Int,
                I = 1,
            });
        }

        var graph = new GraphProto { Name = "gemm" };
        graph.Node.Add(node);
        graph.Input.Add(Matrix("A", shape.AShape));
        graph.Input.Add(Matrix("B", shape.BShape));
        graph.Output.Add(Matrix("Y", [shape.M, shape.N]));
        var model = new ModelProto { IrVersion = 8, ProducerName = "MLNet.Gelu.Benchmarks", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model.ToByteArray();
    }

    private static ValueInfoProto Matrix(string name, long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long d in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        var tensor = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape };
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }
}

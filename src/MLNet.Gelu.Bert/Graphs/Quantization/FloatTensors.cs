using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.Protobuf;
using MLNet.Gelu.Bert.Graphs.Model;
using Onnx;

namespace MLNet.Gelu.Bert.Graphs.Quantization;

/// <summary>Reads float matrices from and writes quantized and float tensors to ONNX <see cref="TensorProto"/> values.</summary>
internal static class FloatTensors
{
    /// <summary>ONNX element type UINT8.</summary>
    public const int UInt8 = 2;

    /// <summary>ONNX element type INT8.</summary>
    public const int Int8 = 3;

    /// <summary>Reads a float tensor's values (raw data or <c>float_data</c>); false for external data or a size that does not match the dimensions.</summary>
    public static bool TryRead(TensorProto tensor, out float[] values)
    {
        values = [];
        if (tensor.DataType != TensorValues.Float || tensor.DataLocation == TensorProto.Types.DataLocation.External)
        {
            return false;
        }

        long count = TensorValues.ElementCount(tensor);
        if (tensor.RawData.Length > 0)
        {
            if (tensor.RawData.Length != count * sizeof(float))
            {
                return false;
            }

            values = new float[count];
            var raw = tensor.RawData.Span;
            if (BitConverter.IsLittleEndian)
            {
                MemoryMarshal.Cast<byte, float>(raw).CopyTo(values);
            }
            else
            {
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * 4)..]);
                }
            }

            return true;
        }

        if (tensor.FloatData.Count != count)
        {
            return false;
        }

        values = [.. tensor.FloatData];
        return true;
    }

    /// <summary>A float tensor with the given dimensions, stored as raw little-endian data.</summary>
    public static TensorProto Float(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }

        return new TensorProto { Name = name, DataType = TensorValues.Float, Dims = { dims }, RawData = ByteString.CopyFrom(bytes) };
    }

    /// <summary>An 8-bit tensor (<see cref="Int8"/> or <see cref="UInt8"/>) holding <paramref name="bytes"/> as raw data.</summary>
    public static TensorProto Bytes(string name, int elementType, ReadOnlySpan<byte> bytes, params long[] dims) =>
        new() { Name = name, DataType = elementType, Dims = { dims }, RawData = ByteString.CopyFrom(bytes) };
}

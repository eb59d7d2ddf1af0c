using System.Buffers.Binary;
using Google.Protobuf;
using Onnx;

namespace MLNet.Gelu.Bert.Graphs.Model;

/// <summary>Reads small constant tensors and writes scalar and index tensors.</summary>
internal static class TensorValues
{
    /// <summary>ONNX element type FLOAT.</summary>
    public const int Float = 1;

    /// <summary>ONNX element type INT32.</summary>
    public const int Int32 = 6;

    /// <summary>ONNX element type INT64.</summary>
    public const int Int64 = 7;

    /// <summary>ONNX element type FLOAT16.</summary>
    public const int Float16 = 10;

    /// <summary>ONNX element type DOUBLE.</summary>
    public const int Double = 11;

    /// <summary>The number of elements a tensor's dimensions describe.</summary>
    public static long ElementCount(TensorProto tensor)
    {
        long count = 1;
        foreach (var d in tensor.Dims)
        {
            count *= d;
        }

        return count;
    }

    /// <summary>Reads a one-element numeric tensor as a double.</summary>
    public static bool TryReadScalar(TensorProto tensor, out double value, out int elementType)
    {
        elementType = tensor.DataType;
        value = 0;
        if (ElementCount(tensor) != 1 || tensor.DataLocation == TensorProto.Types.DataLocation.External)
        {
            return false;
        }

        var raw = tensor.RawData.Span;
        switch (tensor.DataType)
        {
            case Float:
                value = tensor.FloatData.Count == 1 ? tensor.FloatData[0] : raw.Length == 4 ? BinaryPrimitives.ReadSingleLittleEndian(raw) : double.NaN;
                break;
            case Double:
                value = tensor.DoubleData.Count == 1 ? tensor.DoubleData[0] : raw.Length == 8 ? BinaryPrimitives.ReadDoubleLittleEndian(raw) : double.NaN;
                break;
            case Float16:
                value = tensor.Int32Data.Count == 1 ? (double)BitConverter.UInt16BitsToHalf((ushort)tensor.Int32Data[0])
                    : raw.Length == 2 ? (double)BinaryPrimitives.ReadHalfLittleEndian(raw) : double.NaN;
                break;
            case Int32:
                value = tensor.Int32Data.Count == 1 ? tensor.Int32Data[0] : raw.Length == 4 ? BinaryPrimitives.ReadInt32LittleEndian(raw) : double.NaN;
                break;
            case Int64:
                value = tensor.Int64Data.Count == 1 ? tensor.Int64Data[0] : raw.Length == 8 ? BinaryPrimitives.ReadInt64LittleEndian(raw) : double.NaN;
                break;
            default:
                return false;
        }

        return !double.IsNaN(value);
    }

    /// <summary>The tensor a <c>Constant</c> node holds (attributes <c>value</c>, <c>value_float</c>, <c>value_int</c>, and their list forms).</summary>
    public static bool TryGetConstantNodeValue(NodeProto node, out TensorProto value)
    {
        value = null!;
        if (node.Attribute.Count != 1)
        {
            return false;
        }

        var attribute = node.Attribute[0];
        switch (attribute.Name)
        {
            case "value" when attribute.T is not null:
                value = attribute.T;
                return true;
            case "value_float":
                value = Scalar(string.Empty, attribute.F, Float);
                return true;
            case "value_int":
                value = new TensorProto { DataType = Int64, Int64Data = { attribute.I } };
                return true;
            case "value_floats":
                value = new TensorProto { DataType = Float, Dims = { attribute.Floats.Count }, FloatData = { attribute.Floats } };
                return true;
            case "value_ints":
                value = new TensorProto { DataType = Int64, Dims = { attribute.Ints.Count }, Int64Data = { attribute.Ints } };
                return true;
            default:
                return false;
        }
    }

    /// <summary>A rank-0 tensor holding <paramref name="value"/> in the given floating-point element type.</summary>
    public static TensorProto Scalar(string name, double value, int elementType)
    {
        var tensor = new TensorProto { Name = name, DataType = elementType };
        switch (elementType)
        {
            case Float:
                tensor.FloatData.Add((float)value);
                break;
            case Double:
                tensor.DoubleData.Add(value);
                break;
            case Float16:
                tensor.Int32Data.Add(BitConverter.HalfToUInt16Bits((Half)value));
                break;
            default:
                throw new NotSupportedException(
                    $"Cannot write a constant of ONNX element type {elementType} for tensor '{name}': only float, double and float16 activations are rewritten.");
        }

        return tensor;
    }

    /// <summary>A 1-D int64 tensor, the form opset 13+ takes for <c>axes</c> and <c>split</c> inputs.</summary>
    public static TensorProto Int64Vector(string name, IEnumerable<long> values)
    {
        var list = values.ToArray();
        var bytes = new byte[list.Length * 8];
        for (int i = 0; i < list.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), list[i]);
        }

        return new TensorProto { Name = name, DataType = Int64, Dims = { list.Length }, RawData = ByteString.CopyFrom(bytes) };
    }
}

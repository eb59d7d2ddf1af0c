namespace MLNet.Gelu.Bert;

/// <summary>
/// Just enough of the protobuf wire format to read an ONNX model's signature without copying its weights.
/// </summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool End => _position >= _data.Length;

    public (int Field, int WireType) ReadTag()
    {
        var tag = ReadVarint();
        var field = (int)(tag >> 3);
        var wire = (int)(tag & 7);
        if (field == 0 || wire is not (0 or 1 or 2 or 5))
        {
            throw new ProtoFormatException(truncated: false, $"invalid field tag {tag} at byte {_position}");
        }

        return (field, wire);
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw new ProtoFormatException(truncated: true, "the data ends inside a number");
            }

            var b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new ProtoFormatException(truncated: false, $"a number longer than 10 bytes at byte {_position}");
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw new ProtoFormatException(truncated: true, $"a field of {length} bytes at byte {_position} runs past the end ({_data.Length} bytes)");
        }

        var slice = _data.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    public string ReadString() => System.Text.Encoding.UTF8.GetString(ReadBytes());

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0: ReadVarint(); break;
            case 2: ReadBytes(); break;
            default:
                var width = wireType == 1 ? 8 : 4;
                if (_data.Length - _position < width)
                {
                    throw new ProtoFormatException(truncated: true, "the data ends inside a fixed-width number");
                }

                _position += width;
                break;
        }
    }
}

/// <summary>Bad protobuf data; <see cref="Truncated"/> tells an early end from garbage.</summary>
internal sealed class ProtoFormatException(bool truncated, string message) : Exception(message)
{
    public bool Truncated { get; } = truncated;
}

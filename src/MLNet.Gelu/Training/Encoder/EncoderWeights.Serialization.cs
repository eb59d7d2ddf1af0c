using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace MLNet.Gelu.Encoder;

/// <summary>Binary form of the parameters: little-endian; <c>"ENCW"</c> · int32 version · int32 tensor count · per tensor in
/// <see cref="All"/> order its name (length-prefixed UTF-8), int32 element count and float32 values · <c>"END!"</c>. The
/// shape itself (<see cref="EncoderConfiguration"/>) is stored beside it by the caller.</summary>
internal sealed partial class EncoderWeights
{
    private const int FormatVersion = 1;

    private static ReadOnlySpan<byte> Magic => "ENCW"u8;

    private static ReadOnlySpan<byte> EndMarker => "END!"u8;

    public void WriteTo(Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(All.Count);
        foreach (var tensor in All)
        {
            writer.Write(tensor.Name);
            writer.Write(tensor.Values.Length);
            if (BitConverter.IsLittleEndian)
            {
                writer.Write(MemoryMarshal.AsBytes(tensor.Values.AsSpan()));
            }
            else
            {
                foreach (float v in tensor.Values)
                {
                    writer.Write(v);
                }
            }
        }

        writer.Write(EndMarker);
    }

    /// <summary>Reads parameters written by <see cref="WriteTo"/> for an encoder of <paramref name="configuration"/>.</summary>
    /// <exception cref="InvalidDataException">The stream is not such parameters, or their names or sizes do not fit the configuration.</exception>
    public static EncoderWeights ReadFrom(Stream stream, EncoderConfiguration configuration)
    {
        var weights = new EncoderWeights(configuration);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (!reader.ReadBytes(4).AsSpan().SequenceEqual(Magic) || reader.ReadInt32() != FormatVersion)
            {
                throw new InvalidDataException("Not encoder parameters of a version this library reads (expected \"ENCW\", version 1).");
            }

            int count = reader.ReadInt32();
            if (count != weights.All.Count)
            {
                throw new InvalidDataException($"The parameters hold {count} tensors; the encoder has {weights.All.Count}.");
            }

            foreach (var tensor in weights.All)
            {
                string name = reader.ReadString();
                int length = reader.ReadInt32();
                if (name != tensor.Name || length != tensor.Values.Length)
                {
                    throw new InvalidDataException($"Expected tensor {tensor.Name} of {tensor.Values.Length} values, found {name} of {length}.");
                }

                byte[] bytes = reader.ReadBytes(length * sizeof(float));
                if (bytes.Length != length * sizeof(float))
                {
                    throw new InvalidDataException($"The parameters end inside tensor {name}.");
                }

                for (int i = 0; i < length; i++)
                {
                    tensor.Values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
                }
            }

            if (!reader.ReadBytes(4).AsSpan().SequenceEqual(EndMarker))
            {
                throw new InvalidDataException("The encoder parameters do not end with \"END!\": the entry is damaged.");
            }
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The encoder parameters end early: the entry is damaged.", e);
        }

        return weights;
    }
}

using System.Text;

namespace MLNet.Gelu;

/// <summary>Binary form of the model: little-endian, a magic and version header, the shape, then each layer's weights and biases.</summary>
/// <remarks>
/// Layout (version 1): <c>"MLPG"</c> · int32 version · int32 activation · int32 layer count L · int32 sizes[L + 1] ·
/// for each layer float32 weights[out × in] then float32 biases[out] · <c>"END!"</c>.
/// </remarks>
public sealed partial class MlpModelParameters
{
    internal const int FormatVersion = 1;
    private const int MaxLayers = 1024;
    private const int MaxWidth = 1 << 24;
    private const long MaxParameters = 1L << 31;
    private static ReadOnlySpan<byte> Magic => "MLPG"u8;
    private static ReadOnlySpan<byte> EndMarker => "END!"u8;

    /// <summary>Writes the model to <paramref name="stream"/> in the format described on this type.</summary>
    internal void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write((int)Activation);
        writer.Write(LayerCount);
        foreach (int size in _layers.Sizes)
        {
            writer.Write(size);
        }

        for (int l = 0; l < LayerCount; l++)
        {
            WriteFloats(writer, _layers.Weights[l]);
            WriteFloats(writer, _layers.Biases[l]);
        }

        writer.Write(EndMarker);
    }

    /// <summary>Reads a model written by <see cref="WriteTo"/>, checking the header, every size, every value and the end marker.</summary>
    /// <exception cref="InvalidDataException">The stream does not hold a valid model of a version this library reads; the message says what is wrong.</exception>
    internal static MlpModelParameters ReadFrom(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            Span<byte> tag = stackalloc byte[4];
            reader.BaseStream.ReadExactly(tag);
            if (!tag.SequenceEqual(Magic))
            {
                throw new InvalidDataException("Not an MLP model: the stream does not start with \"MLPG\".");
            }

            int version = reader.ReadInt32();
            if (version != FormatVersion)
            {
                throw new InvalidDataException($"MLP model format version {version} is not supported; this library reads version {FormatVersion}.");
            }

            var activation = (Activation)reader.ReadInt32();
            if (!Enum.IsDefined(activation))
            {
                throw new InvalidDataException($"MLP model names activation {(int)activation}, which this library does not know.");
            }

            int layerCount = reader.ReadInt32();
            if (layerCount is < 1 or > MaxLayers)
            {
                throw new InvalidDataException($"MLP model claims {layerCount} layers; expected 1 to {MaxLayers}.");
            }

            var sizes = new int[layerCount + 1];
            long parameters = 0;
            for (int i = 0; i < sizes.Length; i++)
            {
                sizes[i] = reader.ReadInt32();
                if (sizes[i] is < 1 or > MaxWidth)
                {
                    throw new InvalidDataException($"MLP model layer width {i} is {sizes[i]}; expected 1 to {MaxWidth}.");
                }

                parameters += i == 0 ? 0 : ((long)sizes[i - 1] * sizes[i]) + sizes[i];
            }

            if (sizes[^1] < 2)
            {
                throw new InvalidDataException($"MLP model has {sizes[^1]} output class; a classifier needs at least 2.");
            }

            if (parameters > MaxParameters)
            {
                throw new InvalidDataException($"MLP model claims {parameters} parameters, more than the {MaxParameters} this format allows.");
            }

            var layers = new MlpLayers(sizes, activation);
            for (int l = 0; l < layerCount; l++)
            {
                ReadFloats(reader, layers.Weights[l], l, "weights");
                ReadFloats(reader, layers.Biases[l], l, "biases");
            }

            reader.BaseStream.ReadExactly(tag);
            if (!tag.SequenceEqual(EndMarker))
            {
                throw new InvalidDataException("MLP model is malformed: the end marker after the last layer is missing.");
            }

            return new MlpModelParameters(layers);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("MLP model is truncated: the stream ended before the model did.", e);
        }
    }

    private static void WriteFloats(BinaryWriter writer, float[] values)
    {
        foreach (float v in values)
        {
            writer.Write(v);
        }
    }

    private static void ReadFloats(BinaryReader reader, float[] values, int layer, string what)
    {
        for (int i = 0; i < values.Length; i++)
        {
            float v = reader.ReadSingle();
            if (!float.IsFinite(v))
            {
                throw new InvalidDataException($"MLP model layer {layer} {what}[{i}] is {v}; every parameter must be finite.");
            }

            values[i] = v;
        }
    }
}

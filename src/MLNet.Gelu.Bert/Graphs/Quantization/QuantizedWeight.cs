namespace MLNet.Gelu.Bert.Graphs.Quantization;

/// <summary>
/// A float weight matrix W [K, N] (row-major, as a MatMul's B input stores it) in 8 bits: W[k, n] ≈ (Q[k, n] − z) · s with
/// one scale s and zero point z per output column n (per channel) or one for the whole matrix (per tensor).
/// </summary>
/// <remarks>
/// Symmetric: int8 in [−127, 127], z = 0, s = max|W| / 127 (−128 is never used, so negation is exact). Asymmetric: uint8,
/// s = (max − min) / 255 over a range widened to include 0, z = round(−min / s), so that 0 is exact. Rounding is to
/// nearest, ties to even, as ONNX's QuantizeLinear does. A column (or matrix) of zeros gets s = 1.
/// </remarks>
internal sealed class QuantizedWeight
{
    private QuantizedWeight(byte[] data, int elementType, float[] scales, byte[]? zeroPoints, int rows, int columns)
    {
        Data = data;
        ElementType = elementType;
        Scales = scales;
        ZeroPoints = zeroPoints;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>The quantized values, row-major [K, N] (int8 bit patterns or uint8).</summary>
    public byte[] Data { get; }

    /// <summary><see cref="FloatTensors.Int8"/> (symmetric) or <see cref="FloatTensors.UInt8"/> (asymmetric).</summary>
    public int ElementType { get; }

    /// <summary>N scales (per channel) or one (per tensor).</summary>
    public float[] Scales { get; }

    /// <summary>Zero points like <see cref="Scales"/>; null for symmetric (all zero).</summary>
    public byte[]? ZeroPoints { get; }

    /// <summary>K, the input channels.</summary>
    public int Rows { get; }

    /// <summary>N, the output channels.</summary>
    public int Columns { get; }

    /// <summary>Quantizes <paramref name="weights"/> [<paramref name="rows"/>, <paramref name="columns"/>].</summary>
    public static QuantizedWeight Quantize(ReadOnlySpan<float> weights, int rows, int columns, WeightGranularity granularity, bool symmetric)
    {
        int groups = granularity == WeightGranularity.PerChannel ? columns : 1;
        var scales = new float[groups];
        var zeroPoints = symmetric ? null : new byte[groups];
        var low = new float[groups];
        var high = new float[groups];
        for (int k = 0; k < rows; k++)
        {
            var row = weights.Slice(k * columns, columns);
            for (int n = 0; n < columns; n++)
            {
                int g = groups == 1 ? 0 : n;
                low[g] = Math.Min(low[g], row[n]);
                high[g] = Math.Max(high[g], row[n]);
            }
        }

        for (int g = 0; g < groups; g++)
        {
            if (symmetric)
            {
                float max = Math.Max(-low[g], high[g]);
                scales[g] = max > 0 ? max / 127f : 1f;
            }
            else
            {
                float range = high[g] - low[g];
                scales[g] = range > 0 ? range / 255f : 1f;
                zeroPoints![g] = (byte)Math.Clamp(MathF.Round(-low[g] / scales[g], MidpointRounding.ToEven), 0, 255);
            }
        }

        var data = new byte[rows * columns];
        for (int k = 0; k < rows; k++)
        {
            for (int n = 0; n < columns; n++)
            {
                int g = groups == 1 ? 0 : n;
                float q = MathF.Round(weights[k * columns + n] / scales[g], MidpointRounding.ToEven);
                data[k * columns + n] = symmetric
                    ? (byte)(sbyte)Math.Clamp(q, -127f, 127f)
                    : (byte)Math.Clamp(q + zeroPoints![g], 0f, 255f);
            }
        }

        return new QuantizedWeight(data, symmetric ? FloatTensors.Int8 : FloatTensors.UInt8, scales, zeroPoints, rows, columns);
    }

    /// <summary>The value <see cref="Data"/> stands for at [<paramref name="row"/>, <paramref name="column"/>].</summary>
    public float Dequantize(int row, int column)
    {
        int g = Scales.Length == 1 ? 0 : column;
        int q = ElementType == FloatTensors.Int8 ? (sbyte)Data[row * Columns + column] : Data[row * Columns + column];
        return (q - (ZeroPoints?[g] ?? 0)) * Scales[g];
    }
}

namespace MLNet.Gelu.Bert.Graphs;

/// <summary>How many scales a quantized weight matrix has (see <see cref="MatMulQuantizationOptions.Weights"/>).</summary>
public enum WeightGranularity
{
    /// <summary>One scale (and zero point) per output column: each output channel uses its own range. The default.</summary>
    PerChannel,

    /// <summary>One scale (and zero point) for the whole matrix.</summary>
    PerTensor,
}

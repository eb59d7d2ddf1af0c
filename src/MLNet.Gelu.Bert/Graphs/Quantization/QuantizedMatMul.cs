namespace MLNet.Gelu.Bert.Graphs;

/// <summary>One MatMul that <see cref="MatMulQuantizer"/> replaced.</summary>
/// <param name="Site">The MatMul as found.</param>
/// <param name="NodeNames">The nodes written in its place (the input's quantization is listed at the first MatMul that reads it).</param>
/// <param name="Bias">The bias folded into the quantized node (its <c>Add</c> removed), or null.</param>
/// <param name="Smoothed">True when smoothing scales were applied to its input and weight.</param>
/// <param name="MaxWeightError">The largest |W − dequantized W| over the (smoothed) weight: half a quantization step at most.</param>
public sealed record QuantizedMatMul(MatMulSite Site, IReadOnlyList<string> NodeNames, string? Bias, bool Smoothed, double MaxWeightError)
{
    /// <summary>The operator that writes <see cref="MatMulSite.Output"/> (or the folded bias's output) now.</summary>
    internal string OutputOp { get; init; } = string.Empty;

    /// <summary>The tensor the quantized nodes write: the MatMul's output, or the removed bias <c>Add</c>'s.</summary>
    internal string WrittenOutput { get; init; } = string.Empty;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Site.NodeName} [{Site.InputChannels}, {Site.OutputChannels}]{(Bias is null ? string.Empty : " + " + Bias)}{(Smoothed ? " (smoothed)" : string.Empty)}" +
        $" -> {OutputOp} ({NodeNames.Count} node{(NodeNames.Count == 1 ? string.Empty : "s")})";
}

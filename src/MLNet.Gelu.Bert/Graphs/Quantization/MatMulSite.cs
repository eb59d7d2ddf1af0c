namespace MLNet.Gelu.Bert.Graphs;

/// <summary>A MatMul whose second input is a constant float matrix: the unit <see cref="MatMulQuantizer"/> quantizes.</summary>
/// <param name="NodeName">The MatMul node's name (or <c>MatMul#i</c> for an unnamed node, i its position in the graph).</param>
/// <param name="Input">The float input A, quantized at run time.</param>
/// <param name="Weight">The constant weight B [K, N].</param>
/// <param name="Output">The output tensor; its readers keep reading it after quantization.</param>
/// <param name="InputChannels">K, the weight's rows.</param>
/// <param name="OutputChannels">N, the weight's columns.</param>
public sealed record MatMulSite(string NodeName, string Input, string Weight, string Output, int InputChannels, int OutputChannels)
{
    /// <inheritdoc/>
    public override string ToString() => $"{NodeName}: {Input} x {Weight} [{InputChannels}, {OutputChannels}] -> {Output}";
}

namespace MLNet.Gelu.Bert.Graphs;

/// <summary>A MatMul with a constant weight that <see cref="MatMulQuantizer"/> left in float32, and why.</summary>
/// <param name="Site">The MatMul.</param>
/// <param name="Reason">Why it was kept, e.g. <c>reads the output of a Gelu (KeepActivationInputs)</c>.</param>
public sealed record KeptMatMul(MatMulSite Site, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Site.NodeName} kept: {Reason}";
}

namespace MLNet.Gelu.Bert.Graphs;

/// <summary>
/// Where one activation sits in a graph: the tensor it reads, an optional bias folded into it, the tensor it
/// writes, and the nodes that compute it today. How it is written is <see cref="Form"/>; what it computes is <see cref="Kind"/>.
/// </summary>
/// <param name="Input">The activation's input tensor (with a folded bias: the tensor before the bias is added).</param>
/// <param name="Bias">A 1-D constant added to <paramref name="Input"/> just before the activation, or null.</param>
/// <param name="Output">The activation's output tensor; its consumers keep reading it after a rewrite.</param>
/// <param name="Kind">The function computed.</param>
/// <param name="Form">How the function is written.</param>
/// <param name="Variant">A short description of the arrangement, e.g. <c>x/√2 (PyTorch)</c> or <c>Pow x³ (gelu_new)</c>.</param>
/// <param name="NodeNames">The nodes the site replaces, in graph order (the bias <c>Add</c> first when folded).</param>
/// <param name="ElementType">The ONNX element type of the activation (1 = float), or 0 when the graph does not say.</param>
public sealed record ActivationSite(
    string Input,
    string? Bias,
    string Output,
    Activation Kind,
    ActivationForm Form,
    string Variant,
    IReadOnlyList<string> NodeNames,
    int ElementType)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{Kind} as {Form} [{Variant}]: {Input}{(Bias is null ? string.Empty : " + " + Bias)} -> {Output} (nodes: {string.Join(", ", NodeNames)})";
}

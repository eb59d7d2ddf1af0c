namespace MLNet.Gelu.Bert.Graphs;

/// <summary>Options for <see cref="ActivationGraphInspector"/> and <see cref="ActivationGraphRewriter"/>.</summary>
public sealed class ActivationRewriteOptions
{
    /// <summary>The operators the new activations are written with. Default <see cref="ActivationOpStyle.ContribOps"/>.</summary>
    public ActivationOpStyle Style { get; init; } = ActivationOpStyle.ContribOps;

    /// <summary>
    /// Fold a bias <c>Add(MatMul(...), b)</c> with a 1-D constant <c>b</c> just before an activation into the site
    /// (written back as <c>BiasGelu</c>/<c>FastGelu</c> where the target takes a bias, else as an <c>Add</c>). Default true.
    /// </summary>
    public bool FoldBias { get; init; } = true;

    /// <summary>
    /// Relative tolerance when matching constants (√2, 0.5, 0.044715, √(2/π), 1.702, ...). Default 1e‑4, which accepts
    /// √2 written as 1.4142099618911743 (2.5e‑6 off) and rejects an unrelated constant.
    /// </summary>
    public double ConstantTolerance { get; init; } = 1e-4;

    /// <summary>The defaults.</summary>
    public static ActivationRewriteOptions Default { get; } = new();

    internal void Validate()
    {
        if (!Enum.IsDefined(Style))
        {
            throw new ArgumentOutOfRangeException(nameof(Style), Style, "Unknown activation op style; use ContribOps, StandardOps or Onnx20.");
        }

        if (!(ConstantTolerance > 0 && ConstantTolerance < 0.1))
        {
            throw new ArgumentOutOfRangeException(nameof(ConstantTolerance), ConstantTolerance,
                "The constant tolerance must be a relative error in (0, 0.1), for example 1e-4.");
        }
    }
}

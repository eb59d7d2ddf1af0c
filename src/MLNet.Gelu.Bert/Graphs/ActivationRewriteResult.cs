using System.Globalization;
using System.Text;
using Onnx;

namespace MLNet.Gelu.Bert.Graphs;

/// <summary>
/// The outcome of <see cref="ActivationGraphRewriter.Rewrite(ModelProto, Activation, ActivationRewriteOptions?)"/>: the new model and what
/// changed. <see cref="GraphRewriteResult.OpsetRaisedFrom"/> is set when <see cref="ActivationOpStyle.Onnx20"/> raised the opset to 20.
/// </summary>
public sealed class ActivationRewriteResult : GraphRewriteResult
{
    internal ActivationRewriteResult(
        ModelProto model,
        Activation target,
        ActivationRewriteOptions options,
        ActivationGraphReport before,
        IReadOnlyList<RewrittenActivation> rewritten,
        IReadOnlyDictionary<string, int> opCountsAfter,
        long? opsetRaisedFrom)
        : base(model, before.OpCounts, opCountsAfter, opsetRaisedFrom)
    {
        Target = target;
        Options = options;
        Before = before;
        Rewritten = rewritten;
    }

    /// <summary>The activation every site computes now.</summary>
    public Activation Target { get; }

    /// <summary>The options used.</summary>
    public ActivationRewriteOptions Options { get; }

    /// <summary>What the source model held: sites, unrecognized candidates, operator counts.</summary>
    public ActivationGraphReport Before { get; }

    /// <summary>The sites replaced, in graph order.</summary>
    public IReadOnlyList<RewrittenActivation> Rewritten { get; }

    /// <summary>Candidates left alone because they matched no known shape (same as <see cref="ActivationGraphReport.Unrecognized"/> of <see cref="Before"/>).</summary>
    public IReadOnlyList<UnrecognizedActivation> Skipped => Before.Unrecognized;

    /// <summary>A multi-line summary: what was replaced, what was skipped, and operator counts before and after.</summary>
    public override string ToString()
    {
        var culture = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(culture, $"Rewrote {Rewritten.Count} activation(s) to {Target} ({Options.Style}){(OpsetRaisedFrom is { } from ? $", default opset {from} -> 20" : string.Empty)}");
        foreach (var r in Rewritten)
        {
            text.AppendLine(culture, $"  {r}");
        }

        text.AppendLine(culture, $"Skipped: {Skipped.Count}");
        foreach (var miss in Skipped)
        {
            text.AppendLine(culture, $"  {miss}");
        }

        AppendOperatorChanges(text);
        return text.ToString();
    }
}

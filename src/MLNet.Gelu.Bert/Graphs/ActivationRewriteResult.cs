using System.Globalization;
using System.Text;
using Google.Protobuf;
using Onnx;

namespace MLNet.Gelu.Bert.Graphs;

/// <summary>The outcome of <see cref="ActivationGraphRewriter.Rewrite(ModelProto, Activation, ActivationRewriteOptions?)"/>: the new model and what changed.</summary>
public sealed class ActivationRewriteResult
{
    internal ActivationRewriteResult(
        ModelProto model,
        Activation target,
        ActivationRewriteOptions options,
        ActivationGraphReport before,
        IReadOnlyList<RewrittenActivation> rewritten,
        IReadOnlyDictionary<string, int> opCountsAfter,
        long? opsetRaisedFrom)
    {
        Model = model;
        Target = target;
        Options = options;
        Before = before;
        Rewritten = rewritten;
        OpCountsAfter = opCountsAfter;
        OpsetRaisedFrom = opsetRaisedFrom;
    }

    /// <summary>The rewritten model (a new object; the source model is not changed).</summary>
    internal ModelProto Model { get; }

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

    /// <summary>Node counts of the rewritten graph by operator.</summary>
    public IReadOnlyDictionary<string, int> OpCountsAfter { get; }

    /// <summary>The default-domain opset before it was raised to 20 (<see cref="ActivationOpStyle.Onnx20"/>), or null when unchanged.</summary>
    public long? OpsetRaisedFrom { get; }

    /// <summary>The rewritten model serialized as ONNX bytes, ready for an <c>InferenceSession</c> or a file.</summary>
    public byte[] ToByteArray() => Model.ToByteArray();

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

        var keys = Before.OpCounts.Keys.Union(OpCountsAfter.Keys).Order(StringComparer.Ordinal);
        var changes = keys
            .Select(k => (Key: k, Before: Before.OpCounts.GetValueOrDefault(k), After: OpCountsAfter.GetValueOrDefault(k)))
            .Where(c => c.Before != c.After)
            .Select(c => $"{c.Key} {c.Before} -> {c.After}");
        text.AppendLine(culture, $"Operator changes: {string.Join(", ", changes)}");
        return text.ToString();
    }
}

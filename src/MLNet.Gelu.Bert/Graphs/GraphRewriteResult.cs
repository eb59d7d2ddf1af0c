using System.Globalization;
using System.Text;
using Google.Protobuf;
using Onnx;

namespace MLNet.Gelu.Bert.Graphs;

/// <summary>
/// What every graph rewrite returns: the new model (the source is never changed), its operator counts before and after, and
/// whether the default-domain opset had to be raised. <see cref="ActivationRewriteResult"/> and
/// <see cref="MatMulQuantizationResult"/> add what their rewrite did.
/// </summary>
public abstract class GraphRewriteResult
{
    private protected GraphRewriteResult(
        ModelProto model, IReadOnlyDictionary<string, int> opCountsBefore, IReadOnlyDictionary<string, int> opCountsAfter, long? opsetRaisedFrom)
    {
        Model = model;
        OpCountsBefore = opCountsBefore;
        OpCountsAfter = opCountsAfter;
        OpsetRaisedFrom = opsetRaisedFrom;
    }

    /// <summary>The rewritten model (a new object).</summary>
    internal ModelProto Model { get; }

    /// <summary>Node counts of the source graph by operator (<c>domain.OpType</c> outside the default domain).</summary>
    public IReadOnlyDictionary<string, int> OpCountsBefore { get; }

    /// <summary>Node counts of the rewritten graph by operator.</summary>
    public IReadOnlyDictionary<string, int> OpCountsAfter { get; }

    /// <summary>The default-domain opset of the source model when the rewrite had to raise it (the subclass says to what), or null.</summary>
    public long? OpsetRaisedFrom { get; }

    /// <summary>The rewritten model serialized as ONNX bytes, ready for an <c>InferenceSession</c> or a file.</summary>
    public byte[] ToByteArray() => Model.ToByteArray();

    /// <summary>Writes the rewritten model to an ONNX file (created or replaced).</summary>
    /// <param name="path">The file to write.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = File.Create(path);
        Model.WriteTo(file);
    }

    /// <summary>The line "Operator changes: A 1 -> 2, …" listing every operator whose count changed, in ordinal order.</summary>
    private protected void AppendOperatorChanges(StringBuilder text)
    {
        var changes = OpCountsBefore.Keys.Union(OpCountsAfter.Keys).Order(StringComparer.Ordinal)
            .Select(k => (Key: k, Before: OpCountsBefore.GetValueOrDefault(k), After: OpCountsAfter.GetValueOrDefault(k)))
            .Where(c => c.Before != c.After)
            .Select(c => $"{c.Key} {c.Before} -> {c.After}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Operator changes: {string.Join(", ", changes)}");
    }
}

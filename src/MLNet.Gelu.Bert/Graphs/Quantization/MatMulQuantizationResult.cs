using System.Globalization;
using System.Text;
using Google.Protobuf;
using Onnx;

namespace MLNet.Gelu.Bert.Graphs;

/// <summary>The outcome of <see cref="MatMulQuantizer.Quantize(byte[], MatMulQuantizationOptions?)"/>: the new model and what changed.</summary>
public sealed class MatMulQuantizationResult
{
    internal MatMulQuantizationResult(
        ModelProto model,
        MatMulQuantizationOptions options,
        IReadOnlyList<QuantizedMatMul> quantized,
        IReadOnlyList<KeptMatMul> kept,
        IReadOnlyDictionary<string, int> opCountsBefore,
        IReadOnlyDictionary<string, int> opCountsAfter,
        long? opsetRaisedFrom)
    {
        Model = model;
        Options = options;
        Quantized = quantized;
        Kept = kept;
        OpCountsBefore = opCountsBefore;
        OpCountsAfter = opCountsAfter;
        OpsetRaisedFrom = opsetRaisedFrom;
    }

    /// <summary>The quantized model (a new object; the source model is not changed).</summary>
    internal ModelProto Model { get; }

    /// <summary>The options used.</summary>
    public MatMulQuantizationOptions Options { get; }

    /// <summary>The MatMuls replaced, in graph order.</summary>
    public IReadOnlyList<QuantizedMatMul> Quantized { get; }

    /// <summary>The MatMuls with a constant weight left in float32, with the reason, in graph order.</summary>
    public IReadOnlyList<KeptMatMul> Kept { get; }

    /// <summary>Node counts of the source graph by operator (<c>domain.OpType</c> outside the default domain).</summary>
    public IReadOnlyDictionary<string, int> OpCountsBefore { get; }

    /// <summary>Node counts of the quantized graph by operator.</summary>
    public IReadOnlyDictionary<string, int> OpCountsAfter { get; }

    /// <summary>The default-domain opset before it was raised to 13 (<see cref="ActivationGranularity.PerRow"/> on an older model), or null.</summary>
    public long? OpsetRaisedFrom { get; }

    /// <summary>The quantized model serialized as ONNX bytes, ready for an <c>InferenceSession</c> or a file.</summary>
    public byte[] ToByteArray() => Model.ToByteArray();

    /// <summary>A multi-line summary: what was quantized, what was kept and why, and operator counts before and after.</summary>
    public override string ToString()
    {
        var culture = CultureInfo.InvariantCulture;
        var options = Options;
        var text = new StringBuilder();
        text.AppendLine(culture, $"Quantized {Quantized.Count} MatMul(s): weights {options.Weights} {(options.SymmetricWeights ? "symmetric int8" : "asymmetric uint8")}, " +
            $"inputs {options.Activations}{(options.Smoothing is { } s ? $", smoothed (alpha {s.Alpha})" : string.Empty)}" +
            $"{(OpsetRaisedFrom is { } from ? $", default opset {from} -> 13" : string.Empty)}");
        foreach (var q in Quantized)
        {
            text.AppendLine(culture, $"  {q}");
        }

        text.AppendLine(culture, $"Kept in float32: {Kept.Count}");
        foreach (var k in Kept)
        {
            text.AppendLine(culture, $"  {k}");
        }

        var changes = OpCountsBefore.Keys.Union(OpCountsAfter.Keys).Order(StringComparer.Ordinal)
            .Select(k => (Key: k, Before: OpCountsBefore.GetValueOrDefault(k), After: OpCountsAfter.GetValueOrDefault(k)))
            .Where(c => c.Before != c.After)
            .Select(c => $"{c.Key} {c.Before} -> {c.After}");
        text.AppendLine(culture, $"Operator changes: {string.Join(", ", changes)}");
        return text.ToString();
    }
}

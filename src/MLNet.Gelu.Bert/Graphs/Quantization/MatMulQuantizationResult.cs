using System.Globalization;
using System.Text;
using Onnx;

namespace MLNet.Gelu.Bert.Graphs;

/// <summary>
/// The outcome of <see cref="MatMulQuantizer.Quantize(byte[], MatMulQuantizationOptions?)"/>: the new model and what changed.
/// <see cref="GraphRewriteResult.OpsetRaisedFrom"/> is set when <see cref="ActivationGranularity.PerRow"/> raised an older model's opset to 13.
/// </summary>
public sealed class MatMulQuantizationResult : GraphRewriteResult
{
    internal MatMulQuantizationResult(
        ModelProto model,
        MatMulQuantizationOptions options,
        IReadOnlyList<QuantizedMatMul> quantized,
        IReadOnlyList<KeptMatMul> kept,
        IReadOnlyDictionary<string, int> opCountsBefore,
        IReadOnlyDictionary<string, int> opCountsAfter,
        long? opsetRaisedFrom)
        : base(model, opCountsBefore, opCountsAfter, opsetRaisedFrom)
    {
        Options = options;
        Quantized = quantized;
        Kept = kept;
    }

    /// <summary>The options used.</summary>
    public MatMulQuantizationOptions Options { get; }

    /// <summary>The MatMuls replaced, in graph order.</summary>
    public IReadOnlyList<QuantizedMatMul> Quantized { get; }

    /// <summary>The MatMuls with a constant weight left in float32, with the reason, in graph order.</summary>
    public IReadOnlyList<KeptMatMul> Kept { get; }

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

        AppendOperatorChanges(text);
        return text.ToString();
    }
}

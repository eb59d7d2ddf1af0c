using MLNet.Gelu;
using MLNet.Gelu.Bert.Graphs;
using MLNet.Gelu.Bert;

namespace ActivationExperiments.Experiments;

/// <summary>all-MiniLM-L6-v2 as shipped (erf-form GELU) and with its six GELUs rewritten to another activation.</summary>
internal static class MiniLmVariants
{
    /// <summary>The name of the unchanged model in tables.</summary>
    public const string Original = "Original";

    /// <summary>The rewrite targets: exact GELU as a contrib op, the two approximations, and two non-GELU controls.</summary>
    public static IReadOnlyList<Activation> Targets { get; } =
        [Activation.Gelu, Activation.GeluTanh, Activation.GeluSigmoid, Activation.Relu, Activation.Elu];

    /// <summary>Builds the model for <paramref name="target"/>, or the original for null; says what the rewrite did.</summary>
    public static (BertModel Model, string Report) Create(Activation? target)
    {
        var original = BertModel.AllMiniLmL6V2();
        if (target is not Activation activation)
        {
            return (original, "unchanged");
        }

        var rewrite = ActivationGraphRewriter.Rewrite(original.OnnxModel.ToArray(), activation);
        if (rewrite.Rewritten.Count == 0)
        {
            throw new InvalidOperationException($"The rewrite to {activation} replaced no activation in {original.Name}:{Environment.NewLine}{rewrite}");
        }

        var model = original.WithOnnx(rewrite.ToByteArray(), $"all-MiniLM-L6-v2 ({activation})");
        var added = rewrite.OpCountsAfter
            .Where(op => op.Value > rewrite.Before.OpCounts.GetValueOrDefault(op.Key))
            .Select(op => $"{op.Value - rewrite.Before.OpCounts.GetValueOrDefault(op.Key)} × {op.Key}");
        return (model, $"{rewrite.Rewritten.Count} sites → {string.Join(", ", added)}");
    }
}

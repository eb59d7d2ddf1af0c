using System.Globalization;
using System.Text;

namespace MLNet.Gelu.Bert.Graphs;

/// <summary>What <see cref="ActivationGraphInspector"/> found in a model: the activation sites, the near misses, and the operator counts.</summary>
public sealed class ActivationGraphReport
{
    internal ActivationGraphReport(
        IReadOnlyList<ActivationSite> sites,
        IReadOnlyList<UnrecognizedActivation> unrecognized,
        IReadOnlyDictionary<string, int> opCounts,
        IReadOnlyDictionary<string, long> opsets)
    {
        Sites = sites;
        Unrecognized = unrecognized;
        OpCounts = opCounts;
        Opsets = opsets;
    }

    /// <summary>Every recognized activation, in graph order.</summary>
    public IReadOnlyList<ActivationSite> Sites { get; }

    /// <summary>Candidate nodes that matched no known shape (left alone by a rewrite), with the reason.</summary>
    public IReadOnlyList<UnrecognizedActivation> Unrecognized { get; }

    /// <summary>Node counts of the main graph by operator (<c>OpType</c>, or <c>domain.OpType</c> outside the default domain).</summary>
    public IReadOnlyDictionary<string, int> OpCounts { get; }

    /// <summary>The model's operator-set imports, by domain (<c>""</c> is the default ONNX domain).</summary>
    public IReadOnlyDictionary<string, long> Opsets { get; }

    /// <summary>The number of sites of each activation kind.</summary>
    public IReadOnlyDictionary<Activation, int> CountByKind() =>
        Sites.GroupBy(s => s.Kind).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>A multi-line, human-readable summary.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.AppendLine(culture, $"Opsets: {string.Join(", ", Opsets.Select(o => $"{(o.Key.Length == 0 ? "ai.onnx" : o.Key)} {o.Value}"))}");
        text.AppendLine(culture, $"Activation sites: {Sites.Count} ({string.Join(", ", CountByKind().Select(k => $"{k.Value} {k.Key}"))})");
        for (int i = 0; i < Sites.Count; i++)
        {
            var site = Sites[i];
            text.AppendLine(culture, $"  [{i}] {site.Kind} as {site.Form} [{site.Variant}]");
            text.AppendLine(culture, $"      input {site.Input}{(site.Bias is null ? string.Empty : $", bias {site.Bias}")}, output {site.Output}");
            text.AppendLine(culture, $"      nodes {string.Join(", ", site.NodeNames)}");
        }

        text.AppendLine(culture, $"Unrecognized candidates: {Unrecognized.Count}");
        foreach (var miss in Unrecognized)
        {
            text.AppendLine(culture, $"  {miss}");
        }

        text.AppendLine(culture, $"Operators: {string.Join(", ", OpCounts.Select(c => $"{c.Key} {c.Value}"))}");
        return text.ToString();
    }
}

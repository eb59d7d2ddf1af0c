using Onnx;

namespace MLNet.Gelu.Bert.Graphs.Model;

/// <summary>Counts a graph's nodes by operator, keyed <c>OpType</c> or <c>domain.OpType</c> outside the default domain.</summary>
internal static class OpCounts
{
    /// <summary>The operator key of a node.</summary>
    public static string Key(NodeProto node) =>
        GraphIndex.IsDefaultDomain(node.Domain) ? node.OpType : $"{node.Domain}.{node.OpType}";

    /// <summary>Counts the main graph's nodes by operator key, sorted by key.</summary>
    public static IReadOnlyDictionary<string, int> Of(GraphProto graph) =>
        new SortedDictionary<string, int>(graph.Node.GroupBy(Key).ToDictionary(g => g.Key, g => g.Count()), StringComparer.Ordinal);
}

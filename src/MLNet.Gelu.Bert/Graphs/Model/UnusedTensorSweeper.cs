using Onnx;

namespace MLNet.Gelu.Bert.Graphs.Model;

/// <summary>Removes the constants (initializers, <c>Constant</c> nodes) and value infos a rewrite left without readers.</summary>
internal static class UnusedTensorSweeper
{
    /// <summary>Removes each of <paramref name="candidates"/> that no node and no graph output reads any more.</summary>
    public static void Sweep(GraphProto graph, IEnumerable<string> candidates)
    {
        var read = new HashSet<string>(graph.Node.SelectMany(GraphIndex.ConsumedNames), StringComparer.Ordinal);
        read.UnionWith(graph.Output.Select(o => o.Name));
        var unused = new HashSet<string>(candidates.Where(c => !read.Contains(c)), StringComparer.Ordinal);

        foreach (var initializer in graph.Initializer.Where(t => unused.Contains(t.Name)).ToList())
        {
            graph.Initializer.Remove(initializer);
        }

        foreach (var constant in graph.Node.Where(n => n.OpType == "Constant" && GraphIndex.IsDefaultDomain(n.Domain)
                     && n.Output.Count == 1 && unused.Contains(n.Output[0])).ToList())
        {
            graph.Node.Remove(constant);
        }

        var produced = new HashSet<string>(graph.Node.SelectMany(n => n.Output), StringComparer.Ordinal);
        produced.UnionWith(graph.Input.Select(i => i.Name));
        produced.UnionWith(graph.Initializer.Select(i => i.Name));
        foreach (var info in graph.ValueInfo.Where(v => !produced.Contains(v.Name)).ToList())
        {
            graph.ValueInfo.Remove(info);
        }
    }
}

using Onnx;

namespace MLNet.Gelu.Bert.Graphs.Model;

/// <summary>Hands out node and tensor names that do not clash with any name already in a graph.</summary>
internal sealed class UniqueNames
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public UniqueNames(GraphProto graph)
    {
        Collect(graph);
    }

    /// <summary>Returns <paramref name="stem"/>, or <paramref name="stem"/> with a numeric suffix when it is taken.</summary>
    public string Next(string stem)
    {
        string name = stem;
        for (int i = 1; !_used.Add(name); i++)
        {
            name = $"{stem}_{i}";
        }

        return name;
    }

    private void Collect(GraphProto graph)
    {
        foreach (var value in graph.Input.Concat(graph.Output).Concat(graph.ValueInfo))
        {
            _used.Add(value.Name);
        }

        foreach (var tensor in graph.Initializer)
        {
            _used.Add(tensor.Name);
        }

        foreach (var node in graph.Node)
        {
            _used.Add(node.Name);
            foreach (var name in node.Input.Concat(node.Output))
            {
                _used.Add(name);
            }

            foreach (var subgraph in node.Attribute.SelectMany(GraphIndex.Subgraphs))
            {
                Collect(subgraph);
            }
        }
    }
}

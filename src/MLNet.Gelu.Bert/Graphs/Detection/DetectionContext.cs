using MLNet.Gelu.Bert.Graphs.Model;
using Onnx;

namespace MLNet.Gelu.Bert.Graphs.Detection;

/// <summary>What the detectors share: the graph index, the options, and the sites and near misses found so far.</summary>
internal sealed class DetectionContext
{
    private readonly Dictionary<NodeProto, int> _order = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<NodeProto> _claimed = new(ReferenceEqualityComparer.Instance);

    public DetectionContext(GraphIndex index, ActivationRewriteOptions options)
    {
        Index = index;
        Options = options;
        for (int i = 0; i < index.Graph.Node.Count; i++)
        {
            _order[index.Graph.Node[i]] = i;
        }
    }

    public GraphIndex Index { get; }

    public ActivationRewriteOptions Options { get; }

    /// <summary>Found sites with the nodes they cover.</summary>
    public List<(ActivationSite Site, IReadOnlyList<NodeProto> Nodes)> Sites { get; } = [];

    public List<UnrecognizedActivation> Unrecognized { get; } = [];

    /// <summary>The position of a node in the graph.</summary>
    public int Position(NodeProto node) => _order[node];

    /// <summary>Records a site unless one of its nodes already belongs to another site.</summary>
    public void AddSite(ActivationSite site, IEnumerable<NodeProto> nodes)
    {
        var ordered = nodes.Distinct(ReferenceEqualityComparer.Instance).Cast<NodeProto>().OrderBy(Position).ToList();
        if (ordered.Any(_claimed.Contains))
        {
            return;
        }

        _claimed.UnionWith(ordered);
        Sites.Add((site, ordered));
    }

    /// <summary>A node's name, or <c>&lt;OpType #position&gt;</c> for an unnamed node.</summary>
    public string Label(NodeProto node) => node.Name.Length > 0 ? node.Name : $"<{node.OpType} #{Position(node)}>";

    public void AddMiss(NodeProto node, string reason) =>
        Unrecognized.Add(new UnrecognizedActivation(Label(node), OpCounts.Key(node), reason));
}

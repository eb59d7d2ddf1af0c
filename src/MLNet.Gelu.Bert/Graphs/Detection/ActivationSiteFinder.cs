using MLNet.Gelu.Bert.Graphs.Model;
using Onnx;

namespace MLNet.Gelu.Bert.Graphs.Detection;

/// <summary>Runs every detector over a graph and returns the sites (with their nodes) in graph order.</summary>
internal static class ActivationSiteFinder
{
    private static readonly IActivationDetector[] Detectors =
    [
        new ContribOpDetector(),
        new OnnxGeluDetector(),
        new ErfFormDetector(),
        new TanhFormDetector(),
        new SigmoidFormDetector(),
    ];

    public static (List<(ActivationSite Site, IReadOnlyList<NodeProto> Nodes)> Sites, List<UnrecognizedActivation> Unrecognized) Find(
        GraphIndex index, ActivationRewriteOptions options)
    {
        var context = new DetectionContext(index, options);
        foreach (var detector in Detectors)
        {
            detector.Detect(context);
        }

        var sites = context.Sites
            .Select(s => options.FoldBias ? BiasFolder.TryFold(index, s.Site, s.Nodes) : s)
            .Select(s => (Site: s.Site with { NodeNames = s.Nodes.Select(context.Label).ToArray() }, s.Nodes))
            .OrderBy(s => context.Position(s.Nodes[^1]))
            .ToList();
        var misses = context.Unrecognized
            .ToList();
        return (sites, misses);
    }
}

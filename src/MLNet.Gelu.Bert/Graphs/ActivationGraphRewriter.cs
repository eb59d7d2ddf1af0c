using MLNet.Gelu.Bert.Graphs.Detection;
using MLNet.Gelu.Bert.Graphs.Emission;
using MLNet.Gelu.Bert.Graphs.Model;
using MLNet.Gelu.Bert.Graphs.Opsets;
using Onnx;

namespace MLNet.Gelu.Bert.Graphs;

/// <summary>
/// Replaces every activation <see cref="ActivationGraphInspector"/> finds in an ONNX model with another
/// <see cref="Activation"/>, written in the operators <see cref="ActivationRewriteOptions.Style"/> chooses. A pure
/// function: the source model is not changed, and no ONNX Runtime session is needed (see
/// <see cref="ActivationGraphVerifier"/> to check the result in one).
/// </summary>
/// <remarks>
/// The activation's output tensor keeps its name, so downstream nodes are untouched; the replaced nodes and the
/// constants only they read are removed, the new nodes take the replaced ones' place (topological order is kept),
/// and the <c>com.microsoft</c> opset import is added when contrib operators are written. Unrecognized candidates
/// are left alone and listed in <see cref="ActivationRewriteResult.Skipped"/>. Only load models from trusted sources.
/// </remarks>
/// <example>
/// <code>
/// var result = ActivationGraphRewriter.Rewrite(File.ReadAllBytes("model.onnx"), Activation.GeluTanh);
/// File.WriteAllBytes("model.fastgelu.onnx", result.ToByteArray());
/// </code>
/// See samples/Inspect for a console tool built on it.
/// </example>
public static class ActivationGraphRewriter
{
    /// <summary>Rewrites serialized ONNX model bytes.</summary>
    /// <param name="model">The ONNX model (protobuf bytes).</param>
    /// <param name="target">The activation every site computes afterwards.</param>
    /// <param name="options">The op style, bias folding and matching tolerance; null for the defaults.</param>
    /// <returns>The new model and a report of what changed.</returns>
    /// <exception cref="ArgumentException"><paramref name="model"/> is not an ONNX model.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="target"/> is not a defined activation.</exception>
    /// <exception cref="NotSupportedException">The <see cref="ActivationOpStyle.Onnx20"/> style needs an opset upgrade this library cannot do.</exception>
    public static ActivationRewriteResult Rewrite(byte[] model, Activation target, ActivationRewriteOptions? options = null) =>
        Rewrite(OnnxModels.Parse(model, nameof(model)), target, options);

    /// <summary>Rewrites a parsed ONNX model (which is left unchanged).</summary>
    /// <param name="model">The ONNX model.</param>
    /// <param name="target">The activation every site computes afterwards.</param>
    /// <param name="options">The op style, bias folding and matching tolerance; null for the defaults.</param>
    /// <returns>The new model and a report of what changed.</returns>
    /// <exception cref="ArgumentException"><paramref name="model"/> has no graph.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="target"/> is not a defined activation.</exception>
    /// <exception cref="NotSupportedException">The <see cref="ActivationOpStyle.Onnx20"/> style needs an opset upgrade this library cannot do.</exception>
    internal static ActivationRewriteResult Rewrite(ModelProto model, Activation target, ActivationRewriteOptions? options = null)
    {
        OnnxModels.CheckHasGraph(model, nameof(model));
        if (!Enum.IsDefined(target))
        {
            throw new ArgumentOutOfRangeException(nameof(target), target,
                $"Unknown activation; use one of {string.Join(", ", Enum.GetNames<Activation>())}.");
        }

        options ??= ActivationRewriteOptions.Default;
        options.Validate();
        var work = model.Clone();
        var graph = work.Graph;
        var index = new GraphIndex(graph);
        var (sites, misses) = ActivationSiteFinder.Find(index, options);
        var before = new ActivationGraphReport(sites.Select(s => s.Site).ToArray(), misses, OpCounts.Of(graph), OnnxModels.Opsets(work));

        var emitter = EmitterSelection.For(target, options.Style);
        var names = new UniqueNames(graph);
        var replacements = new Dictionary<NodeProto, List<NodeProto>>(ReferenceEqualityComparer.Instance);
        var removed = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var rewritten = new List<RewrittenActivation>();
        bool usesContrib = false, needsOpset20 = false;
        foreach (var (site, nodes) in sites)
        {
            var context = new EmitContext(names, $"{site.Output}/{target}", site.ElementType);
            string input = site.Input;
            string? bias = site.Bias;
            if (bias is not null && !emitter.TakesBias)
            {
                input = context.Tensor("Add_bias");
                context.Add("Add", "Add_bias", [site.Input, bias], input);
                bias = null;
            }

            emitter.Emit(context, input, bias, site.Output);
            var outputNode = nodes.Last(n => n.Output.Contains(site.Output));
            replacements[outputNode] = context.Nodes;
            removed.UnionWith(nodes);
            graph.Initializer.AddRange(context.Initializers);
            usesContrib |= context.UsesContribDomain;
            needsOpset20 |= context.NeedsOpset20;
            rewritten.Add(new RewrittenActivation(site, target, emitter.Form, context.Nodes.Select(n => n.Name).ToArray())
            {
                OutputOps = emitter.OutputOps,
                RemovedOps = nodes.Select(OpCounts.Key).ToArray(),
                AddedOps = context.Nodes.Select(OpCounts.Key).ToArray(),
            });
        }

        var reordered = new List<NodeProto>(graph.Node.Count);
        foreach (var node in graph.Node)
        {
            if (replacements.TryGetValue(node, out var replacement))
            {
                reordered.AddRange(replacement);
            }
            else if (!removed.Contains(node))
            {
                reordered.Add(node);
            }
        }

        graph.Node.Clear();
        graph.Node.AddRange(reordered);
        UnusedTensorSweeper.Sweep(graph, removed.SelectMany(n => n.Input).Distinct());

        if (usesContrib && !work.OpsetImport.Any(o => o.Domain == NodeFactory.MicrosoftDomain))
        {
            work.OpsetImport.Add(new OperatorSetIdProto { Domain = NodeFactory.MicrosoftDomain, Version = 1 });
        }

        long? raisedFrom = needsOpset20 ? OpsetUpgrader.Upgrade(work, 20) : null;
        return new ActivationRewriteResult(work, target, options, before, rewritten, OpCounts.Of(graph), raisedFrom);
    }
}

using MLNet.Gelu.Bert.Graphs.Detection;
using MLNet.Gelu.Bert.Graphs.Model;
using Onnx;

namespace MLNet.Gelu.Bert.Graphs;

/// <summary>
/// Finds the activations in an ONNX model without changing it: every GELU (erf, tanh and sigmoid forms in any
/// arrangement of standard ops, ONNX Runtime's contrib operators, ONNX <c>Gelu</c>) and every SiLU, with the nodes
/// that compute each one, plus the candidate nodes that matched no known shape.
/// </summary>
/// <remarks>
/// Constants may be initializers or <c>Constant</c> nodes, on either input of commutative operators, and are
/// matched within <see cref="ActivationRewriteOptions.ConstantTolerance"/>. A shape whose intermediate tensors are
/// read by other nodes too is reported as unrecognized, since replacing it would change those readers.
/// Only the main graph is searched (not <c>If</c>/<c>Loop</c> bodies).
/// </remarks>
public static class ActivationGraphInspector
{
    /// <summary>Inspects serialized ONNX model bytes.</summary>
    /// <param name="model">The ONNX model (protobuf bytes).</param>
    /// <param name="options">Matching options (tolerance, bias folding); null for the defaults.</param>
    /// <returns>The sites found, the unrecognized candidates, and operator counts.</returns>
    /// <exception cref="ArgumentException"><paramref name="model"/> is not an ONNX model or has no graph.</exception>
    public static ActivationGraphReport Find(byte[] model, ActivationRewriteOptions? options = null) =>
        Find(OnnxModels.Parse(model, nameof(model)), options);

    /// <summary>Inspects a parsed ONNX model.</summary>
    /// <param name="model">The ONNX model; it is not changed.</param>
    /// <param name="options">Matching options (tolerance, bias folding); null for the defaults.</param>
    /// <returns>The sites found, the unrecognized candidates, and operator counts.</returns>
    /// <exception cref="ArgumentException"><paramref name="model"/> has no graph.</exception>
    internal static ActivationGraphReport Find(ModelProto model, ActivationRewriteOptions? options = null)
    {
        OnnxModels.CheckHasGraph(model, nameof(model));
        options ??= ActivationRewriteOptions.Default;
        options.Validate();
        var (sites, misses) = ActivationSiteFinder.Find(new GraphIndex(model.Graph), options);
        return new ActivationGraphReport(sites.Select(s => s.Site).ToArray(), misses, OpCounts.Of(model.Graph), OnnxModels.Opsets(model));
    }
}

using MLNet.Gelu.Bert.Graphs.Model;
using Onnx;

namespace MLNet.Gelu.Bert.Graphs.Detection;

/// <summary>Exact GELU written with <c>Erf</c>: <c>½·x·(1 + erf(x/√2))</c>, whatever the order of the products.</summary>
internal sealed class ErfFormDetector : ElementaryFormDetector
{
    internal static readonly double InverseSqrt2 = 1 / Math.Sqrt(2);

    protected override string AnchorOp => "Erf";

    protected override ActivationForm Form => ActivationForm.ErfOps;

    protected override Polynomial Outer { get; } = Polynomial.Of((1, 0, 0.5), (1, 1, 0.5));

    protected override bool TryClassify(Polynomial argument, double tolerance, out Activation kind, out string reason)
    {
        kind = Activation.Gelu;
        var expected = Polynomial.Of((1, 0, InverseSqrt2));
        reason = $"its argument is {argument}, not {expected}";
        return argument.Matches(expected, tolerance);
    }

    protected override string DescribeVariant(GraphIndex index, IReadOnlyList<NodeProto> argumentNodes, Polynomial argument)
    {
        if (argumentNodes.Any(n => n.OpType == "Sqrt"))
        {
            return "x/Sqrt(2) (Keras)";
        }

        var scaling = argumentNodes.LastOrDefault(n => n.OpType is "Div" or "Mul");
        if (scaling?.OpType == "Div" && scaling.Input.Count == 2 && index.TryGetScalar(scaling.Input[1], out double divisor, out _))
        {
            return $"x/{Format(divisor)} (PyTorch)";
        }

        return scaling?.OpType == "Mul" ? $"x·{Format(argument[1, 0])} (TensorFlow)" : $"{argument}";
    }
}

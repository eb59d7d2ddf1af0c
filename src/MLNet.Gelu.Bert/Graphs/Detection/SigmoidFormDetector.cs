using MLNet.Gelu.Bert.Graphs.Model;
using Onnx;

namespace MLNet.Gelu.Bert.Graphs.Detection;

/// <summary><c>x·σ(α·x)</c>: α = 1.702 is the sigmoid GELU, α = 1 is SiLU.</summary>
internal sealed class SigmoidFormDetector : ElementaryFormDetector
{
    internal const double GeluAlpha = 1.702;

    protected override string AnchorOp => "Sigmoid";

    protected override ActivationForm Form => ActivationForm.SigmoidOps;

    protected override Polynomial Outer { get; } = Polynomial.Of((1, 1, 1.0));

    protected override bool TryClassify(Polynomial argument, double tolerance, out Activation kind, out string reason)
    {
        kind = Activation.Silu;
        reason = string.Empty;
        if (!argument.Matches(Polynomial.Of((1, 0, argument[1, 0])), tolerance))
        {
            reason = $"its argument is {argument}, not α·x";
            return false;
        }

        return TryClassifyAlpha(argument[1, 0], tolerance, out kind, out reason);
    }

    /// <summary>Maps α of <c>x·σ(α·x)</c> to the activation it makes.</summary>
    internal static bool TryClassifyAlpha(double alpha, double tolerance, out Activation kind, out string reason)
    {
        reason = string.Empty;
        kind = Near(alpha, GeluAlpha, tolerance) ? Activation.GeluSigmoid : Activation.Silu;
        if (Near(alpha, GeluAlpha, tolerance) || Near(alpha, 1, tolerance))
        {
            return true;
        }

        reason = $"x·σ(α·x) with α = {Format(alpha)} is neither the sigmoid GELU (α = 1.702) nor SiLU (α = 1)";
        return false;
    }

    protected override string DescribeVariant(GraphIndex index, IReadOnlyList<NodeProto> argumentNodes, Polynomial argument) =>
        $"x·σ({Format(argument[1, 0])}·x)";
}

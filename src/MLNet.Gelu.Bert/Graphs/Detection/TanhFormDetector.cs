using MLNet.Gelu.Bert.Graphs.Model;
using Onnx;

namespace MLNet.Gelu.Bert.Graphs.Detection;

/// <summary>Tanh GELU: <c>½·x·(1 + tanh(β·(x + κ·x³)))</c> with β = √(2/π), κ = 0.044715, whatever the arrangement.</summary>
internal sealed class TanhFormDetector : ElementaryFormDetector
{
    internal const double Beta = 0.7978845608028654;
    internal const double Kappa = 0.044715;

    protected override string AnchorOp => "Tanh";

    protected override ActivationForm Form => ActivationForm.TanhOps;

    protected override Polynomial Outer { get; } = Polynomial.Of((1, 0, 0.5), (1, 1, 0.5));

    protected override bool TryClassify(Polynomial argument, double tolerance, out Activation kind, out string reason)
    {
        kind = Activation.GeluTanh;
        var expected = Polynomial.Of((1, 0, Beta), (3, 0, Beta * Kappa));
        reason = $"its argument is {argument}, not {expected}";
        return argument.Matches(expected, tolerance);
    }

    protected override string DescribeVariant(GraphIndex index, IReadOnlyList<NodeProto> argumentNodes, Polynomial argument)
    {
        if (argumentNodes.Any(n => n.OpType == "Pow"))
        {
            return "Pow(x, 3) (Hugging Face gelu_new)";
        }

        bool onePlus = argumentNodes.Any(n => n.OpType == "Add" && n.Input.Any(i => index.TryGetScalar(i, out double v, out _) && v == 1));
        return onePlus ? "β·x·(1 + κ·x·x) (OpenAI/Megatron)" : "β·(x + κ·x·(x·x)) (torch export)";
    }
}

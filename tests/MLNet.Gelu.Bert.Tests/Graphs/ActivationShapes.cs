using MLNet.Gelu.Bert.Graphs;

namespace MLNet.Gelu.Bert.Tests.Graphs;

/// <summary>
/// One way an exporter writes an activation. <see cref="Build"/> writes it into a graph reading <c>x</c> and
/// returns the output tensor; with <c>HasBias</c> it also receives the bias tensor and adds it itself.
/// </summary>
public sealed record ActivationShape(
    string Name,
    Activation Kind,
    ActivationForm Form,
    long Opset,
    bool Contrib,
    bool HasBias,
    Func<TestGraph, string, string?, string> Build)
{
    public override string ToString() => Name;
}

/// <summary>Every GELU shape the rewriter recognizes: erf, tanh and sigmoid forms as exporters write them, and the contrib and ONNX-20 ops.</summary>
public static class ActivationShapes
{
    private const double Sqrt2 = 1.4142135623730951;
    private const double Beta = 0.7978845608028654;
    private const double Kappa = 0.044715;

    public static readonly ActivationShape[] All =
    [
        new("erf PyTorch, Constant nodes", Activation.Gelu, ActivationForm.ErfOps, 13, false, false, (g, x, _) =>
        {
            string d = g.Op("Div", x, g.Const(Sqrt2, asNode: true));
            string a = g.Op("Add", g.Op("Erf", d), g.Const(1, asNode: true));
            return g.Op("Mul", g.Op("Mul", x, a), g.Const(0.5, asNode: true));
        }),
        new("erf PyTorch, √2 as 1.4142099618911743, constants first", Activation.Gelu, ActivationForm.ErfOps, 13, false, false, (g, x, _) =>
        {
            string d = g.Op("Div", x, g.Const(1.4142099618911743));
            string a = g.Op("Add", g.Const(1), g.Op("Erf", d));
            return g.Op("Mul", g.Const(0.5), g.Op("Mul", a, x));
        }),
        new("erf, Mul(x, 0.5) feeding the last Mul", Activation.Gelu, ActivationForm.ErfOps, 13, false, false, (g, x, _) =>
        {
            string a = g.Op("Add", g.Op("Erf", g.Op("Div", x, g.Const(Sqrt2))), g.Const(1));
            return g.Op("Mul", g.Op("Mul", x, g.Const(0.5)), a);
        }),
        new("erf Keras, Div(x, Sqrt(2)) … Mul 0.5 → Mul x", Activation.Gelu, ActivationForm.ErfOps, 13, false, false, (g, x, _) =>
        {
            string d = g.Op("Div", x, g.Op("Sqrt", g.Const(2, asNode: true)));
            string a = g.Op("Add", g.Const(1), g.Op("Erf", d));
            return g.Op("Mul", g.Op("Mul", a, g.Const(0.5)), x);
        }),
        new("erf TensorFlow, Mul(x, 0.70710677)", Activation.Gelu, ActivationForm.ErfOps, 13, false, false, (g, x, _) =>
        {
            string a = g.Op("Add", g.Op("Erf", g.Op("Mul", x, g.Const(0.70710677))), g.Const(1));
            return g.Op("Mul", g.Op("Mul", g.Const(0.5), x), a);
        }),
        new("erf with MatMul + bias Add before it", Activation.Gelu, ActivationForm.ErfOps, 13, false, true, (g, x, b) =>
        {
            string pre = g.Op("Add", b!, x);
            string a = g.Op("Add", g.Op("Erf", g.Op("Div", pre, g.Const(Sqrt2))), g.Const(1));
            return g.Op("Mul", g.Op("Mul", pre, a), g.Const(0.5));
        }),
        new("tanh HF gelu_new, Pow(x, 3)", Activation.GeluTanh, ActivationForm.TanhOps, 13, false, false, (g, x, _) =>
        {
            string inner = g.Op("Add", x, g.Op("Mul", g.Op("Pow", x, g.Const(3)), g.Const(Kappa)));
            string t = g.Op("Tanh", g.Op("Mul", inner, g.Const(0.7978845608)));
            return g.Op("Mul", g.Op("Add", t, g.Const(1)), g.Op("Mul", x, g.Const(0.5)));
        }),
        new("tanh OpenAI/Megatron, x*0.5*(1+tanh(0.79788456*x*(1+0.044715*x*x)))", Activation.GeluTanh, ActivationForm.TanhOps, 13, false, false, (g, x, _) =>
        {
            string onePlus = g.Op("Add", g.Const(1), g.Op("Mul", g.Op("Mul", g.Const(Kappa), x), x));
            string u = g.Op("Mul", g.Op("Mul", g.Const(0.79788456), x), onePlus);
            string a = g.Op("Add", g.Const(1), g.Op("Tanh", u));
            return g.Op("Mul", g.Op("Mul", x, g.Const(0.5)), a);
        }),
        new("tanh torch export < opset 20, 0.5*(x*(1+tanh(β*(x+κ*x*(x*x)))))", Activation.GeluTanh, ActivationForm.TanhOps, 13, false, false, (g, x, _) =>
        {
            string cubic = g.Op("Mul", g.Op("Mul", g.Const(Kappa, asNode: true), x), g.Op("Mul", x, x));
            string u = g.Op("Mul", g.Const(Beta, asNode: true), g.Op("Add", x, cubic));
            string m = g.Op("Mul", x, g.Op("Add", g.Const(1, asNode: true), g.Op("Tanh", u)));
            return g.Op("Mul", g.Const(0.5, asNode: true), m);
        }),
        new("sigmoid GELU, x*Sigmoid(1.702x)", Activation.GeluSigmoid, ActivationForm.SigmoidOps, 13, false, false, (g, x, _) =>
            g.Op("Mul", x, g.Op("Sigmoid", g.Op("Mul", g.Const(1.702), x)))),
        new("SiLU, Sigmoid(x)*x", Activation.Silu, ActivationForm.SigmoidOps, 13, false, false, (g, x, _) =>
            g.Op("Mul", g.Op("Sigmoid", x), x)),
        new("com.microsoft.Gelu", Activation.Gelu, ActivationForm.ContribGelu, 13, true, false, (g, x, _) =>
            g.Op("Gelu", "com.microsoft", [], x)),
        new("com.microsoft.BiasGelu", Activation.Gelu, ActivationForm.ContribBiasGelu, 13, true, true, (g, x, b) =>
            g.Op("BiasGelu", "com.microsoft", [], x, b!)),
        new("com.microsoft.FastGelu", Activation.GeluTanh, ActivationForm.ContribFastGelu, 13, true, false, (g, x, _) =>
            g.Op("FastGelu", "com.microsoft", [], x)),
        new("com.microsoft.FastGelu with bias", Activation.GeluTanh, ActivationForm.ContribFastGelu, 13, true, true, (g, x, b) =>
            g.Op("FastGelu", "com.microsoft", [], x, b!)),
        new("com.microsoft.QuickGelu, default alpha", Activation.GeluSigmoid, ActivationForm.ContribQuickGelu, 13, true, false, (g, x, _) =>
            g.Op("QuickGelu", "com.microsoft", [], x)),
        new("com.microsoft.QuickGelu(alpha=1)", Activation.Silu, ActivationForm.ContribQuickGelu, 13, true, false, (g, x, _) =>
            g.Op("QuickGelu", "com.microsoft", [TestGraph.FloatAttribute("alpha", 1f)], x)),
        new("ONNX Gelu (opset 20)", Activation.Gelu, ActivationForm.OnnxGelu, 20, false, false, (g, x, _) =>
            g.Op("Gelu", x)),
        new("ONNX Gelu(approximate=tanh) (opset 20)", Activation.GeluTanh, ActivationForm.OnnxGelu, 20, false, false, (g, x, _) =>
            g.Op("Gelu", string.Empty, [TestGraph.StringAttribute("approximate", "tanh")], x)),
    ];
}

using MLNet.Gelu.Bert.Graphs.Detection;

namespace MLNet.Gelu.Bert.Graphs.Emission;

/// <summary>
/// Tanh GELU in standard ops, the Hugging Face <c>gelu_new</c> shape ONNX Runtime fuses:
/// <c>Pow(x, 3) → Mul κ → Add x → Mul β → Tanh → Add 1 → Mul x → Mul 0.5</c>.
/// </summary>
internal sealed class TanhFormEmitter : IActivationEmitter
{
    public ActivationForm Form => ActivationForm.TanhOps;

    public IReadOnlyList<string> OutputOps => ["Mul"];

    public bool TakesBias => false;

    public void Emit(EmitContext context, string input, string? bias, string output)
    {
        string cube = context.Tensor("Pow");
        context.Add("Pow", "Pow", [input, context.Constant("three", 3)], cube);
        string scaledCube = context.Tensor("Mul_kappa");
        context.Add("Mul", "Mul_kappa", [cube, context.Constant("kappa", TanhFormDetector.Kappa)], scaledCube);
        string inner = context.Tensor("Add_x");
        context.Add("Add", "Add_x", [input, scaledCube], inner);
        string argument = context.Tensor("Mul_beta");
        context.Add("Mul", "Mul_beta", [inner, context.Constant("beta", TanhFormDetector.Beta)], argument);
        string tanh = context.Tensor("Tanh");
        context.Add("Tanh", "Tanh", [argument], tanh);
        string onePlus = context.Tensor("Add_one");
        context.Add("Add", "Add_one", [tanh, context.Constant("one", 1)], onePlus);
        string product = context.Tensor("Mul_x");
        context.Add("Mul", "Mul_x", [input, onePlus], product);
        context.Add("Mul", "Mul_half", [product, context.Constant("half", 0.5)], output);
    }
}

namespace MLNet.Gelu.Bert.Graphs.Emission;

/// <summary>
/// Exact GELU in standard ops, the PyTorch export shape ONNX Runtime fuses:
/// <c>Div(x, √2) → Erf → Add 1 → Mul x → Mul 0.5</c>.
/// </summary>
internal sealed class ErfFormEmitter : IActivationEmitter
{
    public ActivationForm Form => ActivationForm.ErfOps;

    public IReadOnlyList<string> OutputOps => ["Mul"];

    public bool TakesBias => false;

    public void Emit(EmitContext context, string input, string? bias, string output)
    {
        string scaled = context.Tensor("Div");
        context.Add("Div", "Div", [input, context.Constant("sqrt2", Math.Sqrt(2))], scaled);
        string erf = context.Tensor("Erf");
        context.Add("Erf", "Erf", [scaled], erf);
        string onePlus = context.Tensor("Add");
        context.Add("Add", "Add", [erf, context.Constant("one", 1)], onePlus);
        string product = context.Tensor("Mul");
        context.Add("Mul", "Mul", [input, onePlus], product);
        context.Add("Mul", "Mul_half", [product, context.Constant("half", 0.5)], output);
    }
}

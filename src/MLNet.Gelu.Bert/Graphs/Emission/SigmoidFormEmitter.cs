namespace MLNet.Gelu.Bert.Graphs.Emission;

/// <summary><c>x·σ(α·x)</c> in standard ops: <c>Mul(x, α) → Sigmoid → Mul x</c> (no scaling when α = 1).</summary>
internal sealed class SigmoidFormEmitter(double alpha) : IActivationEmitter
{
    public ActivationForm Form => ActivationForm.SigmoidOps;

    public IReadOnlyList<string> OutputOps => ["Mul"];

    public bool TakesBias => false;

    public void Emit(EmitContext context, string input, string? bias, string output)
    {
        string argument = input;
        if (alpha != 1)
        {
            argument = context.Tensor("Mul_alpha");
            context.Add("Mul", "Mul_alpha", [input, context.Constant("alpha", alpha)], argument);
        }

        string sigmoid = context.Tensor("Sigmoid");
        context.Add("Sigmoid", "Sigmoid", [argument], sigmoid);
        context.Add("Mul", "Mul", [input, sigmoid], output);
    }
}

using MLNet.Gelu.Bert.Graphs.Model;

namespace MLNet.Gelu.Bert.Graphs.Emission;

/// <summary>Exact GELU as <c>com.microsoft.Gelu(x)</c>, or <c>com.microsoft.BiasGelu(x, bias)</c> with a bias.</summary>
internal sealed class ContribGeluEmitter : IActivationEmitter
{
    public ActivationForm Form => ActivationForm.ContribGelu;

    public IReadOnlyList<string> OutputOps => ["com.microsoft.Gelu", "com.microsoft.BiasGelu"];

    public bool TakesBias => true;

    public void Emit(EmitContext context, string input, string? bias, string output)
    {
        if (bias is null)
        {
            context.Add("Gelu", "Gelu", [input], output, NodeFactory.MicrosoftDomain);
        }
        else
        {
            context.Add("BiasGelu", "BiasGelu", [input, bias], output, NodeFactory.MicrosoftDomain);
        }
    }
}

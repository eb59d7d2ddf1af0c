using MLNet.Gelu.Bert.Graphs.Model;

namespace MLNet.Gelu.Bert.Graphs.Emission;

/// <summary><c>x·σ(α·x)</c> as <c>com.microsoft.QuickGelu(alpha)</c> (1.702: sigmoid GELU; 1: SiLU).</summary>
internal sealed class ContribQuickGeluEmitter(double alpha) : IActivationEmitter
{
    public ActivationForm Form => ActivationForm.ContribQuickGelu;

    public IReadOnlyList<string> OutputOps => ["com.microsoft.QuickGelu"];

    public bool TakesBias => false;

    public void Emit(EmitContext context, string input, string? bias, string output) =>
        context.Add("QuickGelu", "QuickGelu", [input], output, NodeFactory.MicrosoftDomain, NodeFactory.Float("alpha", alpha));
}

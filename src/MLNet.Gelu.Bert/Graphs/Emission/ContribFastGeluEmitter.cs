using MLNet.Gelu.Bert.Graphs.Model;

namespace MLNet.Gelu.Bert.Graphs.Emission;

/// <summary>Tanh GELU as <c>com.microsoft.FastGelu(x[, bias])</c>.</summary>
internal sealed class ContribFastGeluEmitter : IActivationEmitter
{
    public ActivationForm Form => ActivationForm.ContribFastGelu;

    public IReadOnlyList<string> OutputOps => ["com.microsoft.FastGelu"];

    public bool TakesBias => true;

    public void Emit(EmitContext context, string input, string? bias, string output) =>
        context.Add("FastGelu", "FastGelu", bias is null ? [input] : [input, bias], output, NodeFactory.MicrosoftDomain);
}

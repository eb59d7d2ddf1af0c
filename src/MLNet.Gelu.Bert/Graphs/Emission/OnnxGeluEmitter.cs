using MLNet.Gelu.Bert.Graphs.Model;

namespace MLNet.Gelu.Bert.Graphs.Emission;

/// <summary>GELU as the ONNX opset-20 <c>Gelu</c> operator, <c>approximate</c> = <c>none</c> or <c>tanh</c>.</summary>
internal sealed class OnnxGeluEmitter(string approximate) : IActivationEmitter
{
    public ActivationForm Form => ActivationForm.OnnxGelu;

    public IReadOnlyList<string> OutputOps => ["Gelu"];

    public bool TakesBias => false;

    public void Emit(EmitContext context, string input, string? bias, string output)
    {
        context.Add("Gelu", "Gelu", [input], output, string.Empty, NodeFactory.String("approximate", approximate));
        context.NeedsOpset20 = true;
    }
}

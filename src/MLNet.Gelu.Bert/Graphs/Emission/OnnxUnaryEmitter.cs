using MLNet.Gelu.Bert.Graphs.Model;

namespace MLNet.Gelu.Bert.Graphs.Emission;

/// <summary>An activation that is one ONNX operator: <c>Relu</c>, or <c>Elu</c> with α = 1.</summary>
internal sealed class OnnxUnaryEmitter(string opType) : IActivationEmitter
{
    public ActivationForm Form => opType == "Elu" ? ActivationForm.OnnxElu : ActivationForm.OnnxRelu;

    public IReadOnlyList<string> OutputOps => [opType];

    public bool TakesBias => false;

    public void Emit(EmitContext context, string input, string? bias, string output)
    {
        if (opType == "Elu")
        {
            context.Add("Elu", "Elu", [input], output, string.Empty, NodeFactory.Float("alpha", 1.0));
        }
        else
        {
            context.Add(opType, opType, [input], output);
        }
    }
}

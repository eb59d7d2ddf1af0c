using MLNet.Gelu.Bert.Graphs.Model;

namespace MLNet.Gelu.Bert.Graphs.Detection;

/// <summary>The ONNX <c>Gelu</c> operator (opset 20): <c>approximate</c> = <c>none</c> (exact) or <c>tanh</c>.</summary>
internal sealed class OnnxGeluDetector : IActivationDetector
{
    public void Detect(DetectionContext context)
    {
        var index = context.Index;
        foreach (var node in index.Graph.Node.Where(n => n.OpType == "Gelu" && GraphIndex.IsDefaultDomain(n.Domain)).ToList())
        {
            string approximate = NodeFactory.Find(node, "approximate")?.S.ToStringUtf8() ?? "none";
            if (node.Input.Count != 1 || node.Output.Count != 1 || approximate is not ("none" or "tanh"))
            {
                context.AddMiss(node, $"unexpected signature (approximate = '{approximate}', {node.Input.Count} inputs)");
                continue;
            }

            var kind = approximate == "tanh" ? Activation.GeluTanh : Activation.Gelu;
            int elementType = index.ElementTypeOf(node.Output[0]);
            context.AddSite(new ActivationSite(node.Input[0], null, node.Output[0], kind, ActivationForm.OnnxGelu,
                $"Gelu(approximate=\"{approximate}\")", [], elementType != 0 ? elementType : index.ElementTypeOf(node.Input[0])), [node]);
        }
    }
}

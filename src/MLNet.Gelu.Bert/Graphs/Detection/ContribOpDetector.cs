using System.Globalization;
using MLNet.Gelu.Bert.Graphs.Model;

namespace MLNet.Gelu.Bert.Graphs.Detection;

/// <summary>ONNX Runtime's contrib activations: <c>com.microsoft</c> <c>Gelu</c>, <c>BiasGelu</c>, <c>FastGelu</c>, <c>QuickGelu</c>.</summary>
internal sealed class ContribOpDetector : IActivationDetector
{
    public void Detect(DetectionContext context)
    {
        var index = context.Index;
        foreach (var node in index.Graph.Node.Where(n => n.Domain == NodeFactory.MicrosoftDomain).ToList())
        {
            if (node.Output.Count != 1 || node.Input.Count == 0)
            {
                continue;
            }

            string? bias = node.Input.Count > 1 && node.Input[1].Length > 0 ? node.Input[1] : null;
            int elementType = index.ElementTypeOf(node.Output[0]);
            ActivationSite Site(Activation kind, ActivationForm form, string variant) =>
                new(node.Input[0], bias, node.Output[0], kind, form, variant, [], elementType != 0 ? elementType : index.ElementTypeOf(node.Input[0]));

            switch (node.OpType)
            {
                case "Gelu" when node.Input.Count == 1:
                    context.AddSite(Site(Activation.Gelu, ActivationForm.ContribGelu, "com.microsoft.Gelu"), [node]);
                    break;
                case "BiasGelu" when bias is not null:
                    context.AddSite(Site(Activation.Gelu, ActivationForm.ContribBiasGelu, "com.microsoft.BiasGelu"), [node]);
                    break;
                case "FastGelu" when node.Input.Count <= 2:
                    context.AddSite(Site(Activation.GeluTanh, ActivationForm.ContribFastGelu, "com.microsoft.FastGelu"), [node]);
                    break;
                case "QuickGelu" when node.Input.Count == 1:
                    double alpha = NodeFactory.Find(node, "alpha")?.F ?? SigmoidFormDetector.GeluAlpha;
                    if (SigmoidFormDetector.TryClassifyAlpha(alpha, context.Options.ConstantTolerance, out var kind, out string reason))
                    {
                        string variant = $"com.microsoft.QuickGelu(alpha={alpha.ToString("G7", CultureInfo.InvariantCulture)})";
                        context.AddSite(Site(kind, ActivationForm.ContribQuickGelu, variant), [node]);
                    }
                    else
                    {
                        context.AddMiss(node, reason);
                    }

                    break;
                case "Gelu" or "BiasGelu" or "FastGelu" or "QuickGelu":
                    context.AddMiss(node, $"unexpected inputs ({node.Input.Count}): {string.Join(", ", node.Input)}");
                    break;
            }
        }
    }
}

using MLNet.Gelu.Bert.Graphs.Model;
using Onnx;

namespace MLNet.Gelu.Bert.Graphs.Detection;

/// <summary>
/// Folds <c>Add(MatMul(a, W), b)</c> into a site when <c>b</c> is a 1-D constant that matches <c>W</c>'s last
/// dimension and the sum is read only by the site: the bias becomes the site's <see cref="ActivationSite.Bias"/>.
/// </summary>
internal static class BiasFolder
{
    public static (ActivationSite Site, IReadOnlyList<NodeProto> Nodes) TryFold(
        GraphIndex index, ActivationSite site, IReadOnlyList<NodeProto> nodes)
    {
        if (site.Bias is not null || index.Producer(site.Input) is not { } add
            || add.OpType != "Add" || !GraphIndex.IsDefaultDomain(add.Domain) || add.Input.Count != 2 || index.IsGraphOutput(site.Input))
        {
            return (site, nodes);
        }

        var inside = new HashSet<NodeProto>(nodes, ReferenceEqualityComparer.Instance);
        if (!index.Consumers(site.Input).All(inside.Contains))
        {
            return (site, nodes);
        }

        for (int b = 0; b < 2; b++)
        {
            string biasName = add.Input[b];
            string other = add.Input[1 - b];
            if (!index.TryGetConstant(biasName, out var bias) || bias.Dims.Count != 1 || bias.Dims[0] < 2
                || (site.ElementType != 0 && bias.DataType != site.ElementType)
                || index.Producer(other) is not { OpType: "MatMul" } matMul || !GraphIndex.IsDefaultDomain(matMul.Domain))
            {
                continue;
            }

            if (matMul.Input.Count == 2 && index.TryGetConstant(matMul.Input[1], out var weight)
                && (weight.Dims.Count == 0 || weight.Dims[^1] != bias.Dims[0]))
            {
                continue;
            }

            var folded = site with { Input = other, Bias = biasName, ElementType = site.ElementType != 0 ? site.ElementType : bias.DataType };
            return (folded, [add, .. nodes]);
        }

        return (site, nodes);
    }
}

using System.Globalization;
using MLNet.Gelu.Bert.Graphs.Model;
using Onnx;

namespace MLNet.Gelu.Bert.Graphs.Detection;

/// <summary>
/// Shared walk of the standard-op forms: from each <c>Erf</c>/<c>Tanh</c>/<c>Sigmoid</c> node, read its argument as a
/// polynomial in one tensor <c>x</c>, then climb its single-consumer chain and keep the highest tensor whose value is
/// the expected polynomial in <c>x</c> and <c>t</c> (the anchor's output).
/// </summary>
internal abstract class ElementaryFormDetector : IActivationDetector
{
    private const int MaxClimb = 8;

    /// <summary>The anchor operator (<c>Erf</c>, <c>Tanh</c>, <c>Sigmoid</c>).</summary>
    protected abstract string AnchorOp { get; }

    protected abstract ActivationForm Form { get; }

    /// <summary>What the activation's output must equal, in <c>x</c> and <c>t</c>.</summary>
    protected abstract Polynomial Outer { get; }

    /// <summary>Decides the activation from the anchor's argument, or says why it is none.</summary>
    protected abstract bool TryClassify(Polynomial argument, double tolerance, out Activation kind, out string reason);

    /// <summary>A short description of the arrangement, from the nodes that compute the argument.</summary>
    protected abstract string DescribeVariant(GraphIndex index, IReadOnlyList<NodeProto> argumentNodes, Polynomial argument);

    public void Detect(DetectionContext context)
    {
        var index = context.Index;
        var reader = new PolynomialReader(index);
        foreach (var anchor in index.Graph.Node.Where(n => n.OpType == AnchorOp && GraphIndex.IsDefaultDomain(n.Domain)).ToList())
        {
            if (anchor.Input.Count != 1 || anchor.Output.Count != 1)
            {
                continue;
            }

            var argument = reader.Read(anchor.Input[0], variables: null, isRoot: false);
            if (argument?.Leaf is null)
            {
                context.AddMiss(anchor, reader.Blocker ?? $"its input '{anchor.Input[0]}' is constant");
                continue;
            }

            if (!TryClassify(argument.Value, context.Options.ConstantTolerance, out var kind, out string reason))
            {
                context.AddMiss(anchor, reason + (reader.Blocker is null ? string.Empty : $" ({reader.Blocker})"));
                continue;
            }

            string x = argument.Leaf;
            string t = anchor.Output[0];
            var variables = new Dictionary<string, Polynomial>(StringComparer.Ordinal) { [x] = Polynomial.X, [t] = Polynomial.T };
            PolynomialReader.Reading? best = null;
            string? bestOutput = null;
            string? blocker = null;
            string current = t;
            for (int step = 0; step < MaxClimb; step++)
            {
                int consumers = index.ConsumerCount(current);
                if (consumers != 1 || index.IsGraphOutput(current))
                {
                    blocker ??= best is null ? $"intermediate '{current}' has {consumers} consumers" : null;
                    break;
                }

                var next = index.Consumers(current)[0];
                if (!PolynomialReader.IsArithmetic(next))
                {
                    break;
                }

                string candidate = next.Output[0];
                var reading = reader.Read(candidate, variables, isRoot: true);
                if (reading is not null && reading.Value.Matches(Outer, context.Options.ConstantTolerance))
                {
                    best = reading;
                    bestOutput = candidate;
                }
                else if (best is null && reading is null)
                {
                    blocker ??= reader.Blocker;
                }

                current = candidate;
            }

            if (best is null || bestOutput is null)
            {
                context.AddMiss(anchor, $"no tensor after it equals {Outer} with t = {AnchorOp}({argument.Value})" + (blocker is null ? string.Empty : $": {blocker}"));
                continue;
            }

            int elementType = argument.ElementType != 0 ? argument.ElementType : best.ElementType;
            var site = new ActivationSite(x, null, bestOutput, kind, Form, DescribeVariant(index, argument.Nodes, argument.Value),
                [], elementType != 0 ? elementType : index.ElementTypeOf(x));
            context.AddSite(site, argument.Nodes.Add(anchor).AddRange(best.Nodes));
        }
    }

    protected static string Format(double value) => value.ToString("G7", CultureInfo.InvariantCulture);

    protected static bool Near(double actual, double expected, double tolerance) =>
        Math.Abs(actual - expected) <= tolerance * Math.Abs(expected);
}

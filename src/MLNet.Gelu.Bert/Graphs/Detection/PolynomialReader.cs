using System.Collections.Immutable;
using MLNet.Gelu.Bert.Graphs.Model;
using Onnx;

namespace MLNet.Gelu.Bert.Graphs.Detection;

/// <summary>
/// Reads the subgraph that computes a tensor as a <see cref="Polynomial"/>, walking back through <c>Add</c>, <c>Sub</c>,
/// <c>Mul</c>, <c>Div</c> by a constant, <c>Pow</c> by a small integer, <c>Neg</c>, <c>Identity</c> and <c>Sqrt</c> of a
/// constant. A tensor read by more than one node is never expanded: it is either the activation's input or a
/// reason to give up (<see cref="Blocker"/>), so every intermediate of a match has exactly one consumer.
/// </summary>
internal sealed class PolynomialReader(GraphIndex index)
{
    /// <summary>The polynomial, the nodes that compute it, the one non-constant tensor it reads (argument mode), and its element type.</summary>
    public sealed record Reading(Polynomial Value, ImmutableList<NodeProto> Nodes, string? Leaf, int ElementType);

    /// <summary>Why the last failed read stopped (the first obstacle met), or null.</summary>
    public string? Blocker { get; private set; }

    /// <summary>
    /// Reads <paramref name="tensor"/>. With <paramref name="variables"/> null (argument mode) any one non-constant
    /// tensor becomes <c>x</c> and is reported as <see cref="Reading.Leaf"/>; otherwise only the named variables may appear.
    /// </summary>
    public Reading? Read(string tensor, IReadOnlyDictionary<string, Polynomial>? variables, bool isRoot)
    {
        Blocker = null;
        return ReadTensor(tensor, variables, isRoot);
    }

    public static bool IsArithmetic(NodeProto node) =>
        GraphIndex.IsDefaultDomain(node.Domain) && node.Output.Count == 1 && node.OpType switch
        {
            "Add" or "Sub" or "Mul" or "Div" or "Pow" => node.Input.Count == 2,
            "Neg" or "Identity" or "Sqrt" => node.Input.Count == 1,
            _ => false,
        };

    private Reading? ReadTensor(string tensor, IReadOnlyDictionary<string, Polynomial>? variables, bool isRoot)
    {
        if (variables is not null && variables.TryGetValue(tensor, out var variable))
        {
            return new Reading(variable, [], null, 0);
        }

        if (index.TryGetScalar(tensor, out double value, out int elementType))
        {
            return new Reading(Polynomial.Constant(value), [], null, IsFloating(elementType) ? elementType : 0);
        }

        var producer = index.Producer(tensor);
        if (producer is not null && IsArithmetic(producer))
        {
            int consumers = index.ConsumerCount(tensor);
            if (isRoot || consumers == 1)
            {
                var expanded = Expand(producer, variables);
                if (expanded is not null)
                {
                    return expanded;
                }
            }
            else
            {
                Blocker ??= $"intermediate '{tensor}' has {consumers} consumers";
            }
        }

        if (variables is not null)
        {
            Blocker ??= $"'{tensor}' is neither the activation input, its Erf/Tanh/Sigmoid, nor a scalar constant";
            return null;
        }

        if (index.TryGetConstant(tensor, out _))
        {
            Blocker ??= $"constant '{tensor}' is not a scalar";
            return null;
        }

        return new Reading(Polynomial.X, [], tensor, 0);
    }

    private Reading? Expand(NodeProto node, IReadOnlyDictionary<string, Polynomial>? variables)
    {
        var a = ReadTensor(node.Input[0], variables, isRoot: false);
        if (a is null)
        {
            return null;
        }

        Reading? b = null;
        if (node.Input.Count == 2)
        {
            b = ReadTensor(node.Input[1], variables, isRoot: false);
            if (b is null)
            {
                return null;
            }

            if (a.Leaf is not null && b.Leaf is not null && a.Leaf != b.Leaf)
            {
                Blocker ??= $"node '{node.Name}' reads two different tensors, '{a.Leaf}' and '{b.Leaf}'";
                return null;
            }
        }

        Polynomial? result = node.OpType switch
        {
            "Add" => a.Value.Add(b!.Value),
            "Sub" => a.Value.Add(b!.Value, -1),
            "Mul" => a.Value.Multiply(b!.Value),
            "Div" => b!.Value.TryGetConstant(out double d) && d != 0 ? a.Value.Scale(1 / d) : null,
            "Pow" => b!.Value.TryGetConstant(out double p) && p is >= 0 and <= 4 && p == Math.Floor(p) ? a.Value.Power((int)p) : null,
            "Neg" => a.Value.Scale(-1),
            "Identity" => a.Value,
            "Sqrt" => a.Value.TryGetConstant(out double s) && s >= 0 ? Polynomial.Constant(Math.Sqrt(s)) : null,
            _ => null,
        };
        if (result is null)
        {
            Blocker ??= $"node '{node.Name}' ({node.OpType}) is not a polynomial step (division or power by a non-constant)";
            return null;
        }

        var nodes = a.Nodes.AddRange(b?.Nodes ?? []).Add(node);
        int elementType = a.ElementType != 0 ? a.ElementType : b?.ElementType ?? 0;
        return new Reading(result, nodes, a.Leaf ?? b?.Leaf, elementType);
    }

    private static bool IsFloating(int elementType) =>
        elementType is TensorValues.Float or TensorValues.Double or TensorValues.Float16;
}

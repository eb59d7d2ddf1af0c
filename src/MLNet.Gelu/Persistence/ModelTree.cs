using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Gelu.Persistence;

/// <summary>Finds and replaces transformers inside nested <see cref="TransformerChain{TLastTransformer}"/>s, keeping each chain's scopes.</summary>
internal static class ModelTree
{
    /// <summary>Every transformer of type <typeparamref name="T"/> in the tree, with its path.</summary>
    internal static IEnumerable<(int[] Path, T Transformer)> Find<T>(ITransformer root)
        where T : class, ITransformer
    {
        var found = new List<(int[], T)>();
        Walk(root, [], found);
        return found;
    }

    /// <summary>Returns the node at <paramref name="path"/>, or <see langword="null"/> when the path leads nowhere.</summary>
    internal static ITransformer? At(ITransformer root, int[] path)
    {
        ITransformer node = root;
        foreach (int index in path)
        {
            if (!IsChain(node))
            {
                return null;
            }

            var children = ((IEnumerable<ITransformer>)node).ToArray();
            if (index < 0 || index >= children.Length)
            {
                return null;
            }

            node = children[index];
        }

        return node;
    }

    /// <summary>Returns a tree equal to <paramref name="root"/> with the node at <paramref name="path"/> replaced; chains on the path are rebuilt.</summary>
    internal static ITransformer Replace(ITransformer root, int[] path, ITransformer replacement, int depth = 0)
    {
        if (depth == path.Length)
        {
            return replacement;
        }

        var chain = (TransformerChain<ITransformer>)AsChain(root);
        var children = chain.ToArray();
        var scopes = children.Select(child => ScopeOf(chain, child)).ToArray();
        children[path[depth]] = Replace(children[path[depth]], path, replacement, depth + 1);
        return new TransformerChain<ITransformer>(children, scopes);
    }

    private static void Walk<T>(ITransformer node, List<int> path, List<(int[], T)> found)
        where T : class, ITransformer
    {
        if (node is T match)
        {
            found.Add((path.ToArray(), match));
        }
        else if (IsChain(node))
        {
            int index = 0;
            foreach (var child in (IEnumerable<ITransformer>)node)
            {
                path.Add(index++);
                Walk(child, path, found);
                path.RemoveAt(path.Count - 1);
            }
        }
    }

    private static bool IsChain(ITransformer node) =>
        node.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(TransformerChain<>);

    private static ITransformer AsChain(ITransformer node) =>
        node as TransformerChain<ITransformer>
        ?? (IsChain(node) ? new TransformerChain<ITransformer>(((IEnumerable<ITransformer>)node).ToArray()) : throw new InvalidOperationException("Not a transformer chain."));

    /// <summary>A chain's scopes are not public; recover each transformer's scope from <see cref="TransformerChain{T}.GetModelFor"/>.</summary>
    private static TransformerScope ScopeOf(TransformerChain<ITransformer> chain, ITransformer child)
    {
        var scope = TransformerScope.None;
        foreach (var flag in new[] { TransformerScope.Training, TransformerScope.Testing, TransformerScope.Scoring })
        {
            if (chain.GetModelFor(flag).Any(t => ReferenceEquals(t, child)))
            {
                scope |= flag;
            }
        }

        return scope;
    }
}

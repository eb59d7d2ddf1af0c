namespace MLNet.Gelu.Bert.Graphs;

/// <summary>One activation a rewrite replaced: the site as found, and how it is written now.</summary>
/// <param name="Original">The site as found in the source model.</param>
/// <param name="Target">The activation it computes now.</param>
/// <param name="Form">The form it is written in now.</param>
/// <param name="NodeNames">The names of the nodes written in place of <see cref="ActivationSite.NodeNames"/>.</param>
public sealed record RewrittenActivation(ActivationSite Original, Activation Target, ActivationForm Form, IReadOnlyList<string> NodeNames)
{
    /// <summary>The operators allowed to write <see cref="ActivationSite.Output"/> after the rewrite.</summary>
    internal IReadOnlyList<string> OutputOps { get; init; } = [];

    /// <summary>The operator keys of the nodes removed (one entry per node).</summary>
    internal IReadOnlyList<string> RemovedOps { get; init; } = [];

    /// <summary>The operator keys of the nodes written (one entry per node).</summary>
    internal IReadOnlyList<string> AddedOps { get; init; } = [];

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Original.Kind} as {Original.Form} -> {Target} as {Form}: {Original.Output} (nodes: {string.Join(", ", NodeNames)})";
}

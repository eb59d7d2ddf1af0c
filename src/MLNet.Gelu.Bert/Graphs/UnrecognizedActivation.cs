namespace MLNet.Gelu.Bert.Graphs;

/// <summary>
/// A node that looked like part of an activation (an <c>Erf</c>, <c>Tanh</c>, <c>Sigmoid</c> or a GELU operator) but
/// did not match any known shape; the rewriter leaves it alone.
/// </summary>
/// <param name="NodeName">The name of the node that was examined.</param>
/// <param name="OpType">Its operator, <c>domain.OpType</c> outside the default domain.</param>
/// <param name="Reason">Why it was not recognized, naming the tensor or constant at fault.</param>
public sealed record UnrecognizedActivation(string NodeName, string OpType, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() => $"{OpType} '{NodeName}': {Reason}";
}

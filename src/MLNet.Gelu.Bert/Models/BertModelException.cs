namespace MLNet.Gelu.Bert;

/// <summary>A BERT model or its vocabulary cannot be used; <see cref="Problem"/> says why and <see cref="SourceName"/> names the file.</summary>
public sealed class BertModelException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="source">The file, stream or resource that holds the bad content.</param>
    /// <param name="problem">What is wrong.</param>
    /// <param name="detail">A sentence on what was found and what to do.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public BertModelException(string source, BertModelProblem problem, string detail, Exception? inner = null)
        : base($"{source}: {detail}", inner)
    {
        SourceName = source;
        Problem = problem;
    }

    /// <summary>The file, stream or resource that holds the bad content.</summary>
    public string SourceName { get; }

    /// <summary>What is wrong.</summary>
    public BertModelProblem Problem { get; }
}

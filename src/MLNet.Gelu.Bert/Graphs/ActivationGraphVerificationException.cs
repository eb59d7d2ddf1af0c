namespace MLNet.Gelu.Bert.Graphs;

/// <summary>A rewritten model failed <see cref="ActivationGraphVerifier"/>; <see cref="Failures"/> lists every check that failed.</summary>
public sealed class ActivationGraphVerificationException : Exception
{
    /// <summary>Creates the exception from the failed checks.</summary>
    /// <param name="failures">One line per failed check.</param>
    /// <param name="inner">The ONNX Runtime error, when the session failed to load.</param>
    public ActivationGraphVerificationException(IReadOnlyList<string> failures, Exception? inner = null)
        : base($"The rewritten model failed {failures.Count} check(s):{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", failures)}", inner)
    {
        Failures = failures;
    }

    /// <summary>Creates the exception without details.</summary>
    public ActivationGraphVerificationException()
        : this(["unspecified failure"])
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The failure.</param>
    public ActivationGraphVerificationException(string message)
        : this([message])
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The failure.</param>
    /// <param name="innerException">The cause.</param>
    public ActivationGraphVerificationException(string message, Exception innerException)
        : this([message], innerException)
    {
    }

    /// <summary>One line per failed check.</summary>
    public IReadOnlyList<string> Failures { get; }
}

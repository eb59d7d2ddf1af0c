namespace MLNet.Gelu.Bert;

/// <summary>The exception types the in-process generator throws, carried from a silo to the client and rethrown there.</summary>
internal enum EmbeddingFaultKind
{
    /// <summary><see cref="ArgumentException"/> (bad options).</summary>
    Argument,

    /// <summary><see cref="ArgumentNullException"/>.</summary>
    ArgumentNull,

    /// <summary><see cref="ArgumentOutOfRangeException"/>.</summary>
    ArgumentOutOfRange,

    /// <summary><see cref="EmbeddingQueueFullException"/>: the silo's queue was full and it rejects.</summary>
    QueueFull,

    /// <summary><see cref="ObjectDisposedException"/>: the silo's generator is disposed (the silo is shutting down).</summary>
    Disposed,
}

/// <summary>
/// An exception of a known type thrown by a silo's generator, with what it takes to rebuild it on the client. Orleans would
/// carry unknown exception types as a generic fallback and drop their properties; these are rebuilt exactly.
/// </summary>
[GenerateSerializer]
[Immutable]
internal sealed class EmbeddingFault
{
    [Id(0)]
    public EmbeddingFaultKind Kind { get; init; }

    [Id(1)]
    public string Message { get; init; } = "";

    /// <summary>The parameter name of an argument exception, or the object name of an <see cref="ObjectDisposedException"/>.</summary>
    [Id(2)]
    public string? Name { get; init; }

    [Id(3)]
    public int RequestedTexts { get; init; }

    [Id(4)]
    public int QueuedTexts { get; init; }

    [Id(5)]
    public int MaxQueuedTexts { get; init; }

    /// <summary>The fault for an exception the client rethrows as the same type; <see langword="null"/> for any other.</summary>
    public static EmbeddingFault? From(Exception exception) => exception switch
    {
        EmbeddingQueueFullException full => new EmbeddingFault
        {
            Kind = EmbeddingFaultKind.QueueFull,
            Message = full.Message,
            RequestedTexts = full.RequestedTexts,
            QueuedTexts = full.QueuedTexts,
            MaxQueuedTexts = full.MaxQueuedTexts,
        },
        ObjectDisposedException disposed => new EmbeddingFault { Kind = EmbeddingFaultKind.Disposed, Message = disposed.Message, Name = disposed.ObjectName },
        ArgumentNullException argument => new EmbeddingFault { Kind = EmbeddingFaultKind.ArgumentNull, Message = argument.Message, Name = argument.ParamName },
        ArgumentOutOfRangeException argument => new EmbeddingFault { Kind = EmbeddingFaultKind.ArgumentOutOfRange, Message = argument.Message, Name = argument.ParamName },
        ArgumentException argument => new EmbeddingFault { Kind = EmbeddingFaultKind.Argument, Message = argument.Message, Name = argument.ParamName },
        _ => null,
    };

    /// <summary>The exception to throw on the client: the same type, message and names as on the silo.</summary>
    public Exception ToException() => Kind switch
    {
        EmbeddingFaultKind.QueueFull => new EmbeddingQueueFullException(RequestedTexts, QueuedTexts, MaxQueuedTexts),
        EmbeddingFaultKind.Disposed => new ObjectDisposedException(Name, WithoutSuffix($"{Environment.NewLine}Object name: '{Name}'.")),
        EmbeddingFaultKind.ArgumentNull => new ArgumentNullException(Name, WithoutSuffix($" (Parameter '{Name}')")),
        EmbeddingFaultKind.ArgumentOutOfRange => new ArgumentOutOfRangeException(Name, WithoutSuffix($" (Parameter '{Name}')")),
        _ => new ArgumentException(WithoutSuffix($" (Parameter '{Name}')"), Name),
    };

    /// <summary>The message without what the exception's constructor appends to it (the parameter or object name), which
    /// the rebuilt exception's constructor appends again.</summary>
    private string WithoutSuffix(string suffix) => Name is not null && Message.EndsWith(suffix, StringComparison.Ordinal) ? Message[..^suffix.Length] : Message;
}

namespace MLNet.Gelu.Bert;

/// <summary>
/// How a BERT model expects its text and how its output becomes an embedding.
/// Defaults suit an uncased sentence-transformers model with mean pooling.
/// </summary>
public sealed record BertModelSettings
{
    /// <summary>Lower-case the text and strip accents before WordPiece, as uncased models expect. Default <see langword="true"/>.</summary>
    public bool LowerCase { get; init; } = true;

    /// <summary>
    /// The most tokens one model input may hold, <c>[CLS]</c> and <c>[SEP]</c> included (2 to 8192). Longer texts are
    /// truncated (the dropped count is reported) or chunked. Default 512.
    /// </summary>
    public int MaxTokens { get; init; } = 512;

    /// <summary>How token vectors become one vector per text. Ignored when the output already has one vector per row. Default <see cref="BertPooling.Mean"/>.</summary>
    public BertPooling Pooling { get; init; } = BertPooling.Mean;

    /// <summary>Scale each embedding to unit L2 norm. Default <see langword="true"/>.</summary>
    public bool Normalize { get; init; } = true;

    /// <summary>
    /// The model output to pool. <see langword="null"/> (default) picks <c>last_hidden_state</c> when the model has it,
    /// otherwise its first output.
    /// </summary>
    public string? OutputName { get; init; }

    internal void Validate()
    {
        if (MaxTokens is < 2 or > 8192)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTokens), MaxTokens, "MaxTokens must be between 2 and 8192: it counts [CLS] and [SEP] too.");
        }

        if (!Enum.IsDefined(Pooling))
        {
            throw new ArgumentOutOfRangeException(nameof(Pooling), Pooling, "Unknown pooling; use Mean, Cls or Max.");
        }
    }
}

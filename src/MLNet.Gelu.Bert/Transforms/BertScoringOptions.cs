namespace MLNet.Gelu.Bert;

/// <summary>
/// Everything the BERT scoring transform (<c>mlContext.Transforms.ScoreBert</c>) can be told: the scoring options it shares
/// with <see cref="BertEmbedder"/> (<see cref="BertEmbedderOptions"/>), plus the model, the read-ahead window and the
/// extra columns. Every property has a documented default; <c>new BertScoringOptions()</c> embeds texts with
/// all-MiniLM-L6-v2 on the CPU.
/// </summary>
public sealed record BertScoringOptions : BertEmbedderOptions
{
    /// <summary>The model; <see langword="null"/> (default) uses the embedded all-MiniLM-L6-v2 (<see cref="BertModel.AllMiniLmL6V2"/>).</summary>
    public BertModel? Model { get; init; }

    /// <summary>
    /// How many rows a cursor reads ahead, tokenizes, sorts by length and scores together. Larger windows pad less and
    /// run fewer, fuller batches; each window holds its rows' pass-through columns in memory. Default 256.
    /// </summary>
    public int WindowSize { get; init; } = 256;

    /// <summary>
    /// A second text column for sentence pairs (<c>[CLS] first [SEP] second [SEP]</c>, the second with token type 1);
    /// <see langword="null"/> (default) scores single texts.
    /// </summary>
    public string? SecondInputColumnName { get; init; }

    /// <summary>
    /// When set, an extra Int32 output column of this name holds, per row, how many word pieces truncation dropped
    /// (0 when the text fit or was chunked). Default <see langword="null"/> (no column).
    /// </summary>
    public string? TruncatedTokensColumnName { get; init; }

    /// <summary>
    /// When set, an extra Int32 output column of this name holds, per row, how many tokens the model read for it
    /// (<c>[CLS]</c> and <c>[SEP]</c> included; summed over the windows of a chunked text). Default <see langword="null"/>.
    /// </summary>
    public string? TokenCountColumnName { get; init; }

    /// <inheritdoc/>
    internal override void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(WindowSize, 1, nameof(WindowSize));
        if (LongText == BertLongTextMode.Chunk && SecondInputColumnName is not null)
        {
            throw new ArgumentException(
                $"Chunking long texts (LongText = Chunk) is not available for sentence pairs (SecondInputColumnName = '{SecondInputColumnName}'); use LongText = Truncate.",
                nameof(LongText));
        }

        base.Validate();
    }
}

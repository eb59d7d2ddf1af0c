namespace MLNet.Gelu.Bert;

/// <summary>How texts longer than the model's limit are handled.</summary>
internal sealed record BertTokenizerOptions
{
    /// <summary>Truncate (default) or chunk long texts.</summary>
    public BertLongTextMode LongText { get; init; } = BertLongTextMode.Truncate;

    /// <summary>
    /// With <see cref="BertLongTextMode.Chunk"/>: how many word pieces consecutive windows share (the stride is the
    /// window's content length minus this). Must be less than half of <c>MaxTokens - 2</c>. Default 32.
    /// </summary>
    public int ChunkOverlap { get; init; } = 32;

    internal void Validate(int maxTokens)
    {
        if (!Enum.IsDefined(LongText))
        {
            throw new ArgumentOutOfRangeException(nameof(LongText), LongText, "Unknown long-text mode; use Truncate or Chunk.");
        }

        if (ChunkOverlap < 0 || (LongText == BertLongTextMode.Chunk && ChunkOverlap * 2 >= maxTokens - 2))
        {
            throw new ArgumentOutOfRangeException(nameof(ChunkOverlap), ChunkOverlap,
                $"ChunkOverlap must be at least 0 and less than half of the {maxTokens - 2} word pieces a window holds.");
        }
    }
}

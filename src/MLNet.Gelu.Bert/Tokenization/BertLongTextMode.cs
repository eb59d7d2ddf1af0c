namespace MLNet.Gelu.Bert;

/// <summary>What happens to a text with more tokens than the model's <c>MaxTokens</c>.</summary>
public enum BertLongTextMode
{
    /// <summary>Keep the first tokens and drop the rest; the dropped count is reported per row.</summary>
    Truncate,

    /// <summary>
    /// Cut the text into overlapping windows of <c>MaxTokens</c>, embed each, and average the window embeddings
    /// (then normalize when the model normalizes). Nothing is dropped. Not available for sentence pairs.
    /// </summary>
    Chunk,
}

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
    /// The most tokens a cursor reads ahead, sorts by length and scores together (one window; <c>[CLS]</c> and <c>[SEP]</c>
    /// included): a window closes once its rows hold this many tokens (so it may exceed it by its last row) or it holds
    /// <see cref="WindowSize"/> rows. Windows sized in tokens hold as many model runs of short texts as of long ones,
    /// which is what sorting needs to pad little. Default 32,768 (32 runs at the default token budget: about 1,900 rows
    /// of 17-token sentences, 128 rows at 256 tokens); raise it with <see cref="BertEmbedderOptions.TokenBudget"/> (GPUs), so
    /// that a window still holds many runs. Rows come out in input order; a window's pass-through columns and
    /// vectors are held in memory until its rows are served, and the first row comes out once its window is scored.
    /// </summary>
    public int WindowTokens { get; init; } = BertBatchingOptions.DefaultWindowTokens;

    /// <summary>
    /// The most rows one window holds (see <see cref="WindowTokens"/>): it bounds the memory of a window of very short
    /// texts (each row holds its pass-through columns and a vector of the model's hidden size). Default 2,048.
    /// </summary>
    public int WindowSize { get; init; } = BertBatchingOptions.DefaultWindowRows;

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
        ArgumentOutOfRangeException.ThrowIfLessThan(WindowTokens, 1, nameof(WindowTokens));
        if (LongText == BertLongTextMode.Chunk && SecondInputColumnName is not null)
        {
            throw new ArgumentException(
                $"Chunking long texts (LongText = Chunk) is not available for sentence pairs (SecondInputColumnName = '{SecondInputColumnName}'); use LongText = Truncate.",
                nameof(LongText));
        }

        base.Validate();
    }
}

namespace MLNet.Gelu.Bert;

/// <summary>What a column the BERT scoring transform adds holds.</summary>
internal enum BertOutput
{
    /// <summary>The pooled embedding, <c>Vector&lt;Single, H&gt;</c>.</summary>
    Embedding,

    /// <summary>Word pieces truncation dropped (Int32).</summary>
    TruncatedTokens,

    /// <summary>Tokens the model read for the row (Int32).</summary>
    TokenCount,
}

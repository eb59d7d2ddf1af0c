namespace MLNet.Gelu.Bert;

/// <summary>One model input: token ids with <c>[CLS]</c>/<c>[SEP]</c>, its attention mask, token types, and what truncation dropped.</summary>
/// <param name="InputIds">WordPiece ids, starting with <c>[CLS]</c> and ending with <c>[SEP]</c>.</param>
/// <param name="AttentionMask">1 for every token (no padding here).</param>
/// <param name="TokenTypeIds">0 for the first text and its separators, 1 for the second text of a pair.</param>
/// <param name="DroppedTokens">Word pieces cut off to fit <c>MaxTokens</c> (0 when everything fit).</param>
internal sealed record BertEncoding(long[] InputIds, long[] AttentionMask, long[] TokenTypeIds, int DroppedTokens);

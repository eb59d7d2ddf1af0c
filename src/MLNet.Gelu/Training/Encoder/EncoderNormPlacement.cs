namespace MLNet.Gelu.Encoder;

/// <summary>Where each transformer layer normalizes.</summary>
internal enum EncoderNormPlacement
{
    /// <summary><c>h = LN(x + Attention(x))</c>, <c>y = LN(h + FFN(h))</c>: BERT and MiniLM.</summary>
    PostLayerNorm = 0,

    /// <summary><c>h = x + Attention(LN(x))</c>, <c>y = h + FFN(LN(h))</c>, and one LayerNorm after the last layer.</summary>
    PreLayerNorm = 1,
}

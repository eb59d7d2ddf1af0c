namespace MLNet.Gelu.Encoder;

/// <summary>How an encoder turns its token vectors into one vector per sequence.</summary>
internal enum EncoderPooling
{
    /// <summary>The first token's vector (<c>[CLS]</c>).</summary>
    Cls = 0,

    /// <summary>The mean of the vectors of the sequence's tokens, padding excluded.</summary>
    Mean = 1,
}

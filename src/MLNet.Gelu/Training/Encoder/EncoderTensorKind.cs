namespace MLNet.Gelu.Encoder;

/// <summary>What a parameter array is, which decides its initialization and whether weight decay applies.</summary>
internal enum EncoderTensorKind
{
    /// <summary>A weight matrix or embedding table: initialized from N(0, 0.02²), decayed.</summary>
    Matrix = 0,

    /// <summary>A bias or LayerNorm shift: initialized to 0, not decayed.</summary>
    Bias = 1,

    /// <summary>A LayerNorm scale: initialized to 1, not decayed.</summary>
    NormScale = 2,
}

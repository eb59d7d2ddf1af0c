namespace MLNet.Gelu.Bert;

/// <summary>The arithmetic a BERT model runs in (see <see cref="BertEmbedderOptions.Precision"/>).</summary>
public enum BertPrecision
{
    /// <summary>The model as it is: float32 weights and arithmetic. The default.</summary>
    Float32,

    /// <summary>
    /// The model's MatMuls with constant weights (attention projections, feed-forward layers) in 8-bit integers, quantized when
    /// the session is created: the recipe of <see cref="Graphs.MatMulQuantizationOptions.ForBert"/> (per-channel symmetric int8
    /// weights, inputs quantized per row at run time, SmoothQuant-style smoothing calibrated on word sequences drawn from the
    /// model's own vocabulary). Faster on CPUs with 8-bit dot products, and the embeddings move slightly (docs/experiments.md
    /// has the measured cosines, neighbour overlap and speed).
    /// </summary>
    Int8,
}

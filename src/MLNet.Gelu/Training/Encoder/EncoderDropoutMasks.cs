namespace MLNet.Gelu.Encoder;

/// <summary>The dropout masks of an encoder's last training pass (each empty where that dropout is off).</summary>
/// <param name="Embedding">On the embedding LayerNorm's output, rows × hidden.</param>
/// <param name="Layers">Per layer: attention probabilities (sequences × heads × length × length), attention output and
/// feed-forward output (rows × hidden).</param>
/// <param name="Pooled">On the pooled vectors, sequences × hidden.</param>
internal sealed record EncoderDropoutMasks(float[] Embedding, (float[] Attention, float[] AttentionOutput, float[] Output)[] Layers, float[] Pooled);

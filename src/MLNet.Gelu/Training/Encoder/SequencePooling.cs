using System.Numerics.Tensors;

namespace MLNet.Gelu.Encoder;

/// <summary>One vector per sequence from its token vectors: the first token's (<see cref="EncoderPooling.Cls"/>) or the mean over
/// the sequence's tokens without its padding (<see cref="EncoderPooling.Mean"/>); and the backward pass of each.</summary>
internal static class SequencePooling
{
    public static void Forward(EncoderPooling pooling, ReadOnlySpan<float> tokens, ReadOnlySpan<int> lengths, Span<float> pooled, int count, int length, int width)
    {
        for (int b = 0; b < count; b++)
        {
            Span<float> p = pooled.Slice(b * width, width);
            ReadOnlySpan<float> first = tokens.Slice(b * length * width, width);
            first.CopyTo(p);
            if (pooling == EncoderPooling.Mean)
            {
                for (int t = 1; t < lengths[b]; t++)
                {
                    TensorPrimitives.Add(p, tokens.Slice(((b * length) + t) * width, width), p);
                }

                TensorPrimitives.Multiply(p, 1f / lengths[b], p);
            }
        }
    }

    /// <summary>Writes the gradient of every token row (zero where the pooled vector does not read the token) into <paramref name="dTokens"/>.</summary>
    public static void Backward(EncoderPooling pooling, ReadOnlySpan<float> dPooled, ReadOnlySpan<int> lengths, Span<float> dTokens, int count, int length, int width)
    {
        dTokens.Slice(0, count * length * width).Clear();
        for (int b = 0; b < count; b++)
        {
            ReadOnlySpan<float> d = dPooled.Slice(b * width, width);
            if (pooling == EncoderPooling.Cls)
            {
                d.CopyTo(dTokens.Slice(b * length * width, width));
                continue;
            }

            for (int t = 0; t < lengths[b]; t++)
            {
                TensorPrimitives.Multiply(d, 1f / lengths[b], dTokens.Slice(((b * length) + t) * width, width));
            }
        }
    }
}

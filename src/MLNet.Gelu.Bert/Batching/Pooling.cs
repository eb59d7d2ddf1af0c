using System.Numerics.Tensors;

namespace MLNet.Gelu.Bert;

/// <summary>Turns one row of model output into one vector.</summary>
internal static class Pooling
{
    /// <summary>
    /// Pools <paramref name="tokens"/> ([length, dimension] of a padded row) over its first <paramref name="count"/>
    /// tokens — the ones the attention mask marks — into <paramref name="destination"/>.
    /// </summary>
    public static void Pool(BertPooling pooling, ReadOnlySpan<float> tokens, int count, int dimension, Span<float> destination)
    {
        var first = tokens[..dimension];
        first.CopyTo(destination);
        switch (pooling)
        {
            case BertPooling.Cls:
                return;
            case BertPooling.Mean:
                for (var t = 1; t < count; t++)
                {
                    TensorPrimitives.Add(destination, tokens.Slice(t * dimension, dimension), destination);
                }

                TensorPrimitives.Multiply(destination, 1f / count, destination);
                return;
            case BertPooling.Max:
                for (var t = 1; t < count; t++)
                {
                    TensorPrimitives.Max(destination, tokens.Slice(t * dimension, dimension), destination);
                }

                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(pooling), pooling, "Unknown pooling.");
        }
    }

    /// <summary>Scales to unit L2 norm (a zero vector stays zero).</summary>
    public static void Normalize(Span<float> vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Multiply(vector, 1f / norm, vector);
        }
    }
}

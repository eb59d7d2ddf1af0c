using System.Numerics.Tensors;

namespace MLNet.Gelu.Encoder;

/// <summary>
/// BERT's input embedding before its LayerNorm: <c>e[b, t] = word[id[b, t]] + position[t] + type[typeId[b, t]]</c>, and its
/// backward pass, a scatter-add of the rows' gradients into the three tables (in row order, so it is deterministic).
/// </summary>
internal static class TokenEmbedding
{
    public static void Forward(EncoderBatch batch, EncoderWeights weights, Span<float> embedded)
    {
        int width = weights.Configuration.Hidden;
        ReadOnlySpan<float> words = weights.WordEmbeddings.Values;
        ReadOnlySpan<float> positions = weights.PositionEmbeddings.Values;
        ReadOnlySpan<float> types = weights.TypeEmbeddings.Values;
        for (int row = 0; row < batch.Rows; row++)
        {
            int t = row % batch.Length;
            Span<float> e = embedded.Slice(row * width, width);
            ReadOnlySpan<float> word = words.Slice(batch.TokenIds[row] * width, width);
            ReadOnlySpan<float> position = positions.Slice(t * width, width);
            ReadOnlySpan<float> type = types.Slice(batch.TypeIds[row] * width, width);
            for (int i = 0; i < width; i++)
            {
                e[i] = word[i] + position[i] + type[i];
            }
        }
    }

    /// <summary>Adds the gradient rows of the sequences' tokens (padding rows carry none and are skipped) into the tables' gradients.</summary>
    public static void Backward(EncoderBatch batch, EncoderWeights weights, ReadOnlySpan<float> dEmbedded)
    {
        int width = weights.Configuration.Hidden;
        Span<float> words = weights.WordEmbeddings.Gradient;
        Span<float> positions = weights.PositionEmbeddings.Gradient;
        Span<float> types = weights.TypeEmbeddings.Gradient;
        for (int b = 0; b < batch.Count; b++)
        {
            for (int t = 0; t < batch.Lengths[b]; t++)
            {
                int row = (b * batch.Length) + t;
                ReadOnlySpan<float> d = dEmbedded.Slice(row * width, width);
                Add(words.Slice(batch.TokenIds[row] * width, width), d);
                Add(positions.Slice(t * width, width), d);
                Add(types.Slice(batch.TypeIds[row] * width, width), d);
            }
        }
    }

    private static void Add(Span<float> target, ReadOnlySpan<float> d) => TensorPrimitives.Add(target, d, target);
}

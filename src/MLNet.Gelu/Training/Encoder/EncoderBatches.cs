namespace MLNet.Gelu.Encoder;

/// <summary>
/// Padding-aware mini-batches for training: the examples are shuffled, cut into pools of <see cref="PoolBatches"/> batches,
/// each pool sorted by length and cut into batches, and the batch order shuffled; so each batch holds sequences of similar
/// length (little padding) while every epoch still sees a fresh random order.
/// </summary>
internal static class EncoderBatches
{
    /// <summary>Batches per sorting pool.</summary>
    public const int PoolBatches = 50;

    /// <summary>The example indices of each batch of one epoch, drawn from <paramref name="random"/>.</summary>
    public static List<int[]> Plan(IReadOnlyList<EncoderExample> examples, int batchSize, ref RandomSource random)
    {
        var order = Enumerable.Range(0, examples.Count).ToArray();
        random.Shuffle(order);
        var batches = new List<int[]>();
        int pool = batchSize * PoolBatches;
        for (int start = 0; start < order.Length; start += pool)
        {
            int[] chunk = order.AsSpan(start, Math.Min(pool, order.Length - start)).ToArray();
            int[] sorted = chunk.OrderBy(i => examples[i].TokenIds.Length).ThenBy(i => i).ToArray();
            for (int b = 0; b < sorted.Length; b += batchSize)
            {
                batches.Add(sorted.AsSpan(b, Math.Min(batchSize, sorted.Length - b)).ToArray());
            }
        }

        var batchOrder = Enumerable.Range(0, batches.Count).ToArray();
        random.Shuffle(batchOrder);
        return batchOrder.Select(i => batches[i]).ToList();
    }

    /// <summary>Pads the examples at <paramref name="indices"/> with token id <paramref name="padId"/> to their longest length.</summary>
    public static EncoderBatch Pad(IReadOnlyList<EncoderExample> examples, ReadOnlySpan<int> indices, int padId, bool withLabels)
    {
        int count = indices.Length;
        int length = 0;
        foreach (int i in indices)
        {
            length = Math.Max(length, examples[i].TokenIds.Length);
        }

        var ids = new int[count * length];
        var types = new int[count * length];
        var lengths = new int[count];
        var labels = withLabels ? new int[count] : null;
        for (int b = 0; b < count; b++)
        {
            var example = examples[indices[b]];
            int n = example.TokenIds.Length;
            if (n == 0)
            {
                throw new ArgumentException($"Example {indices[b]} has no tokens.", nameof(examples));
            }

            ids.AsSpan(b * length, length).Fill(padId);
            example.TokenIds.CopyTo(ids, b * length);
            example.TypeIds?.AsSpan(0, n).CopyTo(types.AsSpan(b * length));
            lengths[b] = n;
            if (labels is not null)
            {
                labels[b] = example.Label;
            }
        }

        return new EncoderBatch(count, length, ids, types, lengths, labels);
    }
}

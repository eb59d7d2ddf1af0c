using System.Buffers;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Plans the model runs of a window: sequences sorted by length (<see cref="SortByLength"/>), then cut into batches under
/// <see cref="BertBatchingOptions"/>' token budget and row limit (<see cref="Cut"/>). Shared by the ONNX batcher
/// (<see cref="BertBatcher"/>) and the BERT classifier's batching cursor.
/// </summary>
internal static class BertBatchCuts
{
    /// <summary>Fills <paramref name="order"/> with <c>(length &lt;&lt; 32) | index</c> of each sequence and sorts it (by length, then index).</summary>
    /// <param name="order">One slot per sequence.</param>
    /// <param name="lengthOf">The token count of sequence <c>i</c>.</param>
    internal static void SortByLength(Span<long> order, Func<int, int> lengthOf)
    {
        for (var s = 0; s < order.Length; s++)
        {
            order[s] = ((long)lengthOf(s) << 32) | (uint)s;
        }

        order.Sort();
    }

    /// <summary>Cuts length-sorted sequences (length in the high 32 bits) into batches: <see cref="CutCheapest"/> with a run
    /// cost, else <see cref="CutFull"/>. Returns the number of batches; batch <c>b</c> ends before <c>ends[b]</c>.</summary>
    internal static int Cut(BertBatchingOptions options, ReadOnlySpan<long> order, int[] ends) =>
        options.RunCostTokens > 0 ? CutCheapest(options, order, ends) : CutFull(options, order, ends);

    /// <summary>Fills each batch up to the token budget or the row limit; returns the number of batches, their ends in <paramref name="ends"/>.</summary>
    private static int CutFull(BertBatchingOptions options, ReadOnlySpan<long> order, int[] ends)
    {
        var batches = 0;
        for (var start = 0; start < order.Length; start = ends[batches++])
        {
            var end = start + 1;
            while (end < order.Length && end - start < options.MaxBatchSize
                && (long)(end - start + 1) * (int)(order[end] >> 32) <= options.TokenBudget)
            {
                end++;
            }

            ends[batches] = end;
        }

        return batches;
    }

    /// <summary>
    /// Cuts the length-sorted sequences into the batches that cost least, counting each batch as its padded tokens
    /// (rows × its longest row) plus <see cref="BertBatchingOptions.RunCostTokens"/>, under the same token budget and row
    /// limit (dynamic programming over the cut points). Returns the number of batches, their ends in <paramref name="ends"/>.
    /// </summary>
    private static int CutCheapest(BertBatchingOptions options, ReadOnlySpan<long> order, int[] ends)
    {
        var n = order.Length;
        var cost = ArrayPool<long>.Shared.Rent(n + 1);
        var from = ArrayPool<int>.Shared.Rent(n + 1);
        try
        {
            cost[0] = 0;
            for (var end = 1; end <= n; end++)
            {
                var length = (int)(order[end - 1] >> 32);
                cost[end] = long.MaxValue;
                for (var start = end - 1; start >= 0; start--)
                {
                    var rows = end - start;
                    if (rows > 1 && (rows > options.MaxBatchSize || (long)rows * length > options.TokenBudget))
                    {
                        break;
                    }

                    var total = cost[start] + ((long)rows * length) + options.RunCostTokens;
                    if (total < cost[end])
                    {
                        cost[end] = total;
                        from[end] = start;
                    }
                }
            }

            var batches = 0;
            for (var end = n; end > 0; end = from[end])
            {
                batches++;
            }

            for (int b = batches - 1, end = n; b >= 0; end = from[end], b--)
            {
                ends[b] = end;
            }

            return batches;
        }
        finally
        {
            ArrayPool<long>.Shared.Return(cost);
            ArrayPool<int>.Shared.Return(from);
        }
    }
}

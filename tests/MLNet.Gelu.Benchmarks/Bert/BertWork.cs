namespace MLNet.Gelu.Benchmarks.Bert;

/// <summary>
/// Work in a MiniLM pass: useful tokens (no padding) and the multiply-add flops of the transformer layers.
/// </summary>
/// <remarks>
/// Per layer and sequence of length s, with hidden size h = 384 and intermediate size i = 1536 (all-MiniLM-L6-v2, 6
/// layers, 12 heads of 32): Q, K, V projections 3 · 2sh², attention scores QKᵀ 2s²h (all heads together), scores · V
/// 2s²h, output projection 2sh², feed-forward 2 · 2shi. Total per layer 8sh² + 4shi + 4s²h, so a sequence costs
/// 6 · (s · (8h² + 4hi) + 4s²h) = s · 21.23 MFLOP + s² · 9,216 FLOP. Embeddings, layer norms, softmax and GELU are
/// element-wise (a few percent) and left out. "Useful" counts each sentence at its own length; padding is waste.
/// </remarks>
internal static class BertWork
{
    private const int Layers = 6;
    private const double H = 384;
    private const double I = 1536;

    /// <summary>Flops of one sequence of <paramref name="tokens"/> tokens.</summary>
    public static double Flops(int tokens) => Layers * ((tokens * ((8 * H * H) + (4 * H * I))) + (4.0 * tokens * tokens * H));

    /// <summary>Useful tokens and flops over sequences of the given lengths.</summary>
    public static (long Tokens, double Flops) Useful(IEnumerable<int> lengths)
    {
        long tokens = 0;
        double flops = 0;
        foreach (int s in lengths)
        {
            tokens += s;
            flops += Flops(s);
        }

        return (tokens, flops);
    }

    /// <summary>
    /// The library's batches for these lengths (sorted; grow while (rows + 1) × next length ≤ budget and rows &lt; max),
    /// as (rows, padded length) pairs.
    /// </summary>
    public static List<(int Rows, int Length)> SortedBatches(IEnumerable<int> lengths, int tokenBudget, int maxBatch)
    {
        int[] sorted = lengths.Order().ToArray();
        var batches = new List<(int, int)>();
        for (int start = 0; start < sorted.Length;)
        {
            int end = start + 1;
            while (end < sorted.Length && end - start < maxBatch && (long)(end - start + 1) * sorted[end] <= tokenBudget)
            {
                end++;
            }

            batches.Add((end - start, sorted[end - 1]));
            start = end;
        }

        return batches;
    }

    /// <summary>Padding share of the token slots the batches run (0 = none).</summary>
    public static double PaddingFraction(IReadOnlyList<int> lengths, IEnumerable<(int Rows, int Length)> batches)
    {
        long slots = batches.Sum(b => (long)b.Rows * b.Length);
        return 1 - ((double)lengths.Sum() / slots);
    }
}

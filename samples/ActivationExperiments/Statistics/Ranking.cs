namespace ActivationExperiments.Statistics;

/// <summary>Similarity and rank agreement between two embeddings of the same texts.</summary>
internal static class Ranking
{
    /// <summary>Cosine similarity of two vectors.</summary>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }

    /// <summary>Cosine of <paramref name="query"/> to every other text (the query itself gets −∞ so it never ranks).</summary>
    public static double[] SimilaritiesFrom(float[][] embeddings, int query)
    {
        var result = new double[embeddings.Length];
        for (int j = 0; j < embeddings.Length; j++)
        {
            result[j] = j == query ? double.NegativeInfinity : Cosine(embeddings[query], embeddings[j]);
        }

        return result;
    }

    /// <summary>Indices of the <paramref name="k"/> largest values.</summary>
    public static HashSet<int> TopK(double[] values, int k) =>
        [.. Enumerable.Range(0, values.Length).OrderByDescending(i => values[i]).ThenBy(i => i).Take(k)];

    /// <summary>Spearman's rank correlation (Pearson on average ranks), over the entries that are finite in both.</summary>
    public static double Spearman(double[] a, double[] b)
    {
        var keep = Enumerable.Range(0, a.Length).Where(i => double.IsFinite(a[i]) && double.IsFinite(b[i])).ToArray();
        var ra = Ranks(keep.Select(i => a[i]).ToArray());
        var rb = Ranks(keep.Select(i => b[i]).ToArray());
        double ma = ra.Average(), mb = rb.Average(), cov = 0, va = 0, vb = 0;
        for (int i = 0; i < ra.Length; i++)
        {
            cov += (ra[i] - ma) * (rb[i] - mb);
            va += (ra[i] - ma) * (ra[i] - ma);
            vb += (rb[i] - mb) * (rb[i] - mb);
        }

        return cov / Math.Sqrt(va * vb);
    }

    private static double[] Ranks(double[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]])
            {
                end++;
            }

            double rank = (start + end) / 2.0;
            for (int i = start; i <= end; i++)
            {
                ranks[order[i]] = rank;
            }

            start = end + 1;
        }

        return ranks;
    }
}

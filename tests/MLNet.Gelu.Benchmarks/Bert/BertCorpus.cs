using MLNet.Gelu.Datasets;

namespace MLNet.Gelu.Benchmarks.Bert;

/// <summary>The UCI sentiment sentences the BERT benchmarks embed, and their token counts.</summary>
internal static class BertCorpus
{
    /// <summary>
    /// Limits the sentences for a shorter run, e.g. <c>MLNET_GELU_BENCH_BERT_ROWS=600</c>: N sentences spread evenly over the
    /// corpus (all three sources), always the same ones.
    /// </summary>
    public const string RowsVariable = "MLNET_GELU_BENCH_BERT_ROWS";

    /// <summary>All 3,000 sentences (amazon, imdb, yelp), or an even sample of N when <see cref="RowsVariable"/> is set.</summary>
    public static string[] Sentences()
    {
        IReadOnlyList<SentimentSentence> all = UciSentiment.Load();
        int count = all.Count;
        if (int.TryParse(Environment.GetEnvironmentVariable(RowsVariable), out int rows) && rows > 0)
        {
            count = Math.Min(count, rows);
        }

        return Enumerable.Range(0, count).Select(i => all[(int)((long)i * all.Count / count)].Text).ToArray();
    }

    /// <summary>
    /// A fixed subset for the slow per-row peers: every <paramref name="stride"/>-th sentence, so all three sources appear.
    /// </summary>
    public static string[] Subset(int count, int stride = 10)
    {
        string[] all = Sentences();
        return Enumerable.Range(0, all.Length).Where(i => i % stride == 0).Take(count).Select(i => all[i]).ToArray();
    }
}

using MLNet.Gelu.Datasets;

namespace MLNet.Gelu.Benchmarks.Training;

/// <summary>The experiments' UCI sentiment order: every sentence in one fixed shuffle (seed 2015), as binary rows.</summary>
internal static class UciSplit
{
    public static Row[] Shuffled()
    {
        var all = UciSentiment.Load();
        var order = Enumerable.Range(0, all.Count).ToArray();
        new Random(2015).Shuffle(order);
        return [.. order.Select(k => new Row { Text = all[k].Text, Label = all[k].Positive })];
    }

    internal sealed class Row
    {
        public string Text { get; set; } = string.Empty;

        public bool Label { get; set; }
    }
}

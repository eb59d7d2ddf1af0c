namespace MLNet.Gelu.Bert.Tests.Serving;

/// <summary>
/// The generator's batch cut (<see cref="BertBatchingOptions.RunCostTokens"/>): the cheapest batches counting padded tokens
/// plus a cost per run, under the same budget and row limit; without a run cost, batches fill up as before.
/// </summary>
public sealed class BatchCutTests
{
    [Fact]
    public void Short_rows_do_not_pad_up_to_a_long_one_when_a_run_costs_less_than_the_padding()
    {
        using var session = new BertSession(Serving.ToyModel);
        int[] lengths = [3, 3, 3, 3, 40];

        Assert.Equal([5], Cut(session, lengths, new BertBatchingOptions()));
        Assert.Equal([4, 5], Cut(session, lengths, new BertBatchingOptions { RunCostTokens = 8 }));
        Assert.Equal([5], Cut(session, lengths, new BertBatchingOptions { RunCostTokens = 1000 }));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(48)]
    [InlineData(100_000)]
    public void Every_cut_keeps_the_token_budget_and_the_row_limit(int runCost)
    {
        using var session = new BertSession(Serving.ToyModel);
        var random = new Random(runCost);
        var lengths = Enumerable.Range(0, 700).Select(_ => random.Next(2, 120)).Append(3000).Order().ToArray();
        var options = new BertBatchingOptions { TokenBudget = 1024, MaxBatchSize = 64, RunCostTokens = runCost };

        var ends = Cut(session, lengths, options);

        Assert.Equal(lengths.Length, ends[^1]);
        for (int b = 0, start = 0; b < ends.Length; start = ends[b++])
        {
            var rows = ends[b] - start;
            Assert.True(rows >= 1);
            Assert.True(rows == 1 || (rows <= 64 && rows * lengths[ends[b] - 1] <= 1024), $"batch {b}: {rows} rows up to {lengths[ends[b] - 1]} tokens");
        }

        if (runCost == 100_000)
        {
            // A run costing more than any padding: as few batches as the limits allow, as when filling.
            Assert.Equal(Cut(session, lengths, options with { RunCostTokens = 0 }).Length, ends.Length);
        }
    }

    [Fact]
    public void The_cheapest_cut_pads_less_than_filling_on_a_small_window_of_sentence_lengths()
    {
        using var session = new BertSession(Serving.ToyModel);
        int[] lengths = [.. new[] { 9, 12, 14, 15, 17, 18, 21, 22, 25, 31, 38, 44, 52, 67, 80, 103 }];

        var filled = Padded(lengths, Cut(session, lengths, new BertBatchingOptions()));
        var cheapest = Padded(lengths, Cut(session, lengths, new BertBatchingOptions { RunCostTokens = 48 }));

        Assert.True(cheapest < filled / 2, $"padded tokens: {cheapest} cut cheapest, {filled} filled");
    }

    private static int[] Cut(BertSession session, int[] sortedLengths, BertBatchingOptions options)
    {
        var batcher = new BertBatcher(session, options);
        var order = sortedLengths.Select((length, i) => ((long)length << 32) | (uint)i).ToArray();
        var ends = new int[order.Length];
        return ends[..batcher.Cut(order, ends)];
    }

    private static long Padded(int[] lengths, int[] ends)
    {
        long padded = 0;
        for (int b = 0, start = 0; b < ends.Length; start = ends[b++])
        {
            padded += (long)(ends[b] - start) * lengths[ends[b] - 1] - lengths[start..ends[b]].Sum();
        }

        return padded;
    }
}

using MLNet.Gelu.Bert.Tests.Support;

namespace MLNet.Gelu.Bert.Tests.Batching;

public class AllocationTests
{
    [Fact]
    public void Scoring_allocates_per_batch_not_per_row()
    {
        using var embedder = Toy.Embedder(BertPooling.Mean, normalize: true, options: new() { TokenBudget = 100_000, MaxBatchSize = 1000 });
        var few = Window(embedder, 10);
        var many = Window(embedder, 800);
        var destination = new float[800 * embedder.Dimension];
        embedder.Batcher.Score(few, destination);
        embedder.Batcher.Score(many, destination);

        var forFew = Allocated(() => embedder.Batcher.Score(few, destination));
        var forMany = Allocated(() => embedder.Batcher.Score(many, destination));
        Assert.True(forMany - forFew < 790 * 8, $"10 rows: {forFew} bytes, 800 rows: {forMany} bytes");
    }

    private static BertTokenizedRows Window(BertEmbedder embedder, int count)
    {
        var rows = new BertTokenizedRows();
        for (var i = 0; i < count; i++)
        {
            embedder.Tokenizer.Tokenize(string.Join(" ", "abcdefgh".Take(1 + (i % 8)).Select(c => c.ToString())), null, rows);
        }

        return rows;
    }

    private static long Allocated(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}

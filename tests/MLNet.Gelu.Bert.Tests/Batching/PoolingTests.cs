using MLNet.Gelu.Bert.Tests.Support;

namespace MLNet.Gelu.Bert.Tests.Batching;

/// <summary>Toy vocabulary ids: [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, a=4, b=5, …, h=11.</summary>
public class PoolingTests
{
    // Padding rows with a long neighbour proves padded positions stay out of the pool.
    private static readonly string?[] Texts = ["a b", "a b c d e f g h", null];

    [Fact]
    public void Mean_pools_over_the_attention_mask_only()
    {
        using var embedder = Toy.Embedder(BertPooling.Mean);
        Assert.Equal(4, embedder.Dimension);
        var vectors = embedder.Embed(Texts);
        Assert.Equal(Toy.Token((2 + 4 + 5 + 3) / 4.0), vectors[0]);
        Assert.Equal(Toy.Token((2 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11 + 3) / 10.0), vectors[1]);
        Assert.Equal(Toy.Token(2.5), vectors[2]);
    }

    [Fact]
    public void Cls_takes_the_first_token()
    {
        using var embedder = Toy.Embedder(BertPooling.Cls);
        Assert.All(embedder.Embed(Texts), v => Assert.Equal(Toy.Token(2), v));
    }

    [Fact]
    public void Max_takes_the_largest_unmasked_value()
    {
        using var embedder = Toy.Embedder(BertPooling.Max);
        var vectors = embedder.Embed(Texts);
        Assert.Equal(Toy.Token(5), vectors[0]);
        Assert.Equal(Toy.Token(11), vectors[1]);
        Assert.Equal(Toy.Token(3), vectors[2]);
    }

    [Fact]
    public void Normalize_gives_unit_vectors_in_the_same_direction()
    {
        using var embedder = Toy.Embedder(BertPooling.Mean, normalize: true);
        var vector = embedder.Embed("a b");
        Assert.Equal(1.0, Vectors.Norm(vector), 6);
        Assert.Equal(1.0, Vectors.Cosine(vector, Toy.Token(3.5)), 6);
    }

    [Fact]
    public void Chunks_are_averaged()
    {
        using var embedder = Toy.Embedder(BertPooling.Mean, maxTokens: 6, options: new() { LongText = BertLongTextMode.Chunk, ChunkOverlap = 1 });
        // Windows of 4 pieces, step 3: [a b c d], [d e f g], [g h], each with [CLS] (2) and [SEP] (3).
        var dropped = new int[2];
        var vectors = embedder.Embed(["a b c d e f g h", "b"], dropped);
        var expected = (27 / 6.0 + 39 / 6.0 + 26 / 4.0) / 3;
        Assert.Equal(Toy.Token(expected), vectors[0], (x, y) => Math.Abs(x - y) < 1e-4f);
        Assert.Equal(Toy.Token(10 / 3.0), vectors[1], (x, y) => Math.Abs(x - y) < 1e-5f);
        Assert.Equal(new[] { 0, 0 }, dropped);
    }

    [Fact]
    public void Truncation_is_reported_per_text()
    {
        using var embedder = Toy.Embedder(BertPooling.Mean, maxTokens: 6);
        var dropped = new int[3];
        var vectors = embedder.Embed(["a b c d e f g h", "a", "a b c d"], dropped);
        Assert.Equal(new[] { 4, 0, 0 }, dropped);
        Assert.Equal(Toy.Token(27 / 6.0), vectors[0], (x, y) => Math.Abs(x - y) < 1e-5f);
        Assert.Throws<ArgumentException>(() => embedder.Embed(["a", "b"], new int[1]));
    }

    [Fact]
    public void Many_small_batches_keep_the_input_order()
    {
        var words = "a b c d e f g h".Split(' ');
        var texts = Enumerable.Range(0, 50).Select(i => string.Join(" ", words.Take(1 + (i * 7 % 8)))).ToArray();
        using var one = Toy.Embedder(BertPooling.Max, options: new() { TokenBudget = 1, MaxBatchSize = 1 });
        using var small = Toy.Embedder(BertPooling.Max, options: new() { TokenBudget = 24, MaxBatchSize = 3 });
        var expected = one.Embed(texts);
        var actual = small.Embed(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(Toy.Token(4 + (i * 7 % 8)), actual[i]);
            Assert.Equal(expected[i], actual[i]);
        }
    }

    [Fact]
    public void Flat_destination_and_empty_input()
    {
        using var embedder = Toy.Embedder(BertPooling.Cls);
        var flat = new float[8];
        embedder.Embed(["a", "b"], flat.AsSpan());
        Assert.Equal(Toy.Token(2).Concat(Toy.Token(2)), flat);
        Assert.Empty(embedder.Embed(Array.Empty<string>()));
        Assert.Throws<ArgumentException>(() => embedder.Embed(["a", "b"], new float[7].AsSpan()));
    }

    [Fact]
    public void Batcher_can_be_driven_directly_with_a_window_of_rows()
    {
        using var embedder = Toy.Embedder(BertPooling.Max);
        var rows = new BertTokenizedRows();
        foreach (var text in new[] { "h", "a b c", "d" })
        {
            embedder.Tokenizer.Tokenize(text, null, rows);
        }

        var destination = new float[rows.RowCount * embedder.Batcher.Dimension];
        embedder.Batcher.Score(rows, destination);
        Assert.Equal(Toy.Token(11).Concat(Toy.Token(6)).Concat(Toy.Token(7)), destination);
        Assert.Throws<OperationCanceledException>(() => embedder.Batcher.Score(rows, destination, new CancellationToken(canceled: true)));
    }
}

using MLNet.Gelu.Bert.Tests.Support;

namespace MLNet.Gelu.Bert.Tests.Serving;

/// <summary>
/// The scoring loop reuses its tokenized rows between rounds, but never keeps more than a window of texts at the token
/// limit: a round that grew them (a long text chunked into many windows) drops them afterwards, so the generator's memory
/// follows its configuration, not the longest text it ever scored.
/// </summary>
public sealed class RetainedMemoryTests
{
    [Fact]
    public async Task A_long_chunked_text_grows_the_rows_for_its_round_only()
    {
        var options = new BertEmbeddingGeneratorOptions { LongText = BertLongTextMode.Chunk, ChunkOverlap = 2, WindowSize = 4 };
        await using var generator = Serving.Toy(options);
        using var embedder = new BertEmbedder(Serving.ToyModel, options);
        var limit = generator.Coalescer.RetainedTokenLimit;
        for (var round = 0; round < 5; round++)
        {
            // 20,000 one-letter words: about 2,000 windows of 16 tokens, far more than the limit.
            var huge = string.Join(' ', Enumerable.Repeat("a b c d e", 4_000 + round));
            var result = await generator.GenerateAsync([huge, "b c"]).WaitAsync(Serving.Patience);
            Assert.True(result.Usage!.InputTokenCount > limit * 4, $"the round read only {result.Usage.InputTokenCount} tokens");
            Assert.True(generator.Coalescer.RetainedTokenCapacity <= limit, $"kept {generator.Coalescer.RetainedTokenCapacity} tokens after the round; the limit is {limit}");
            Assert.True(Vectors.MaxAbsDifference(embedder.Embed(huge), result[0].Vector.Span) <= 1e-5);

            // Ordinary requests keep using the retained rows.
            var small = await generator.GenerateAsync(["a", "b b", "c c c"]).WaitAsync(Serving.Patience);
            Serving.AssertEqualsAlone(["a", "b b", "c c c"], small, Serving.ToyAlone);
            Assert.True(generator.Coalescer.RetainedTokenCapacity <= limit);
        }
    }
}

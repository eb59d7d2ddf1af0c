using MLNet.Gelu.Bert.Tests.Support;

namespace MLNet.Gelu.Bert.Tests.Batching;

public class BatchedEqualsAloneTests
{
    private static readonly string?[] Texts =
    [
        "A cat sits on the mat.", null, "", "   ", "$50 for an A+ product is/was a steal!",
        "Café Über naïve — “quoted” 日本語 🍕", string.Concat(Enumerable.Repeat("Long text keeps going and going. ", 60)),
        "Short.", "The quick brown fox jumps over the lazy dog", "note\nbook\tand\rpen", "FS GPU CUDA ONNX", new string('x', 300),
        "What is the meaning of life, the universe and everything?", "ok",
    ];

    [Fact]
    public void MiniLM_batched_in_small_budgets_equals_each_text_scored_alone()
    {
        using var batched = new BertEmbedder(MiniLm.Model, MiniLm.Options with { TokenBudget = 96, MaxBatchSize = 4 });
        var dropped = new int[Texts.Length];
        var together = batched.Embed(Texts, dropped);
        Assert.True(dropped[6] > 0);
        Assert.Equal(0, dropped[0]);
        for (var i = 0; i < Texts.Length; i++)
        {
            var alone = MiniLm.Embedder.Embed(Texts[i]);
            Assert.Equal(384, together[i].Length);
            Assert.True(Vectors.MaxAbsDifference(alone, together[i]) < 1e-5f, $"text {i}: {Vectors.MaxAbsDifference(alone, together[i])}");
            Assert.Equal(1.0, Vectors.Norm(together[i]), 5);
        }
    }

    [Fact]
    public void MiniLM_pairs_use_token_types_and_batch_like_singles()
    {
        (string?, string?)[] pairs = [("How old are you?", "I am six years old."), ("Is it raining?", null), ("a", "b c d e f g")];
        var together = MiniLm.Embedder.EmbedPairs(pairs);
        for (var i = 0; i < pairs.Length; i++)
        {
            var alone = MiniLm.Embedder.EmbedPairs([pairs[i]])[0];
            Assert.True(Vectors.MaxAbsDifference(alone, together[i]) < 1e-5f);
        }

        var single = MiniLm.Embedder.Embed("How old are you? I am six years old.");
        Assert.True(Vectors.Cosine(single, together[0]) < 0.9999);
    }

    [Fact]
    public void Max_pooling_on_MiniLM_batches_like_singles()
    {
        using var embedder = new BertEmbedder(MiniLm.Model.WithSettings(MiniLm.Model.Settings with { Pooling = BertPooling.Max, Normalize = false }),
            MiniLm.Options with { TokenBudget = 128 });
        var together = embedder.Embed(Texts);
        for (var i = 0; i < Texts.Length; i++)
        {
            Assert.True(Vectors.MaxAbsDifference(embedder.Embed(Texts[i]), together[i]) < 1e-5f);
        }
    }
}

public class ConcurrentEmbedTests
{
    [Fact]
    public void Concurrent_calls_on_one_embedder_give_the_sequential_results()
    {
        var texts = Enumerable.Range(0, 24).Select(i => $"Sentence number {i} says {new string('a', i % 5 + 1)} things.").ToArray();
        var expected = MiniLm.Embedder.Embed(texts);
        var results = new float[6][][];
        Parallel.For(0, results.Length, i => results[i] = MiniLm.Embedder.Embed(texts));
        Assert.All(results, r => Assert.All(Enumerable.Range(0, texts.Length), i => Assert.Equal(expected[i], r[i])));
    }
}

using System.Collections;
using MLNet.Gelu.Bert.Tests.Support;

namespace MLNet.Gelu.Bert.Tests.Batching;

/// <summary>
/// <c>Embed</c> scores a list window by window: over several windows every overload returns what each text gets alone,
/// the dropped counts land at their texts, and a token stops only the call it was given to.
/// </summary>
public class EmbedWindowTests
{
    private static readonly string[] Words = ["a", "b c d", "e f g h a b c d e f g h a b", "h##s", "", "a b c d e f g h a b c d e f g h a b c d e"];

    private static BertEmbedder ToyEmbedder(int maxBatchSize = 256) =>
        Toy.Embedder(BertPooling.Mean, normalize: true, maxTokens: 12, new BertEmbedderOptions { MaxBatchSize = maxBatchSize, TokenBudget = 64, IntraOpThreads = 1 });

    private static string Text(int i) => Words[i % Words.Length] + (i % 7 == 0 ? " a b c d e f" : "");

    [Fact]
    public void Every_overload_over_several_windows_equals_each_text_alone()
    {
        using var embedder = ToyEmbedder();
        Assert.Equal(2048, embedder.WindowTexts);
        var texts = Enumerable.Range(0, 3 * embedder.WindowTexts + 7).Select(Text).ToArray();
        var dropped = new int[texts.Length];
        var vectors = embedder.Embed(texts, dropped);
        var plain = embedder.Embed(texts);
        var flat = new float[texts.Length * embedder.Dimension];
        embedder.Embed(texts, flat);
        var pairs = embedder.EmbedPairs([.. texts.Select(t => ((string?)t, (string?)"b c"))]);
        Assert.Contains(dropped, d => d > 0);
        for (int i = 0; i < texts.Length; i++)
        {
            var aloneDropped = new int[1];
            var alone = embedder.Embed([texts[i]], aloneDropped)[0];
            Assert.Equal(aloneDropped[0], dropped[i]);
            Assert.True(Vectors.MaxAbsDifference(alone, vectors[i]) < 1e-5f, $"text {i}");
            Assert.Equal(vectors[i], plain[i]);
            Assert.Equal(vectors[i], flat.AsSpan(i * embedder.Dimension, embedder.Dimension).ToArray());
            Assert.True(Vectors.MaxAbsDifference(embedder.EmbedPairs([(texts[i], "b c")])[0], pairs[i]) < 1e-5f, $"pair {i}");
        }
    }

    [Fact]
    public void A_window_holds_at_least_a_full_batch()
    {
        using var embedder = ToyEmbedder(maxBatchSize: 3000);
        Assert.Equal(3000, embedder.WindowTexts);
        var texts = Enumerable.Range(0, 6003).Select(Text).ToArray();
        var vectors = embedder.Embed(texts);
        Assert.True(Vectors.MaxAbsDifference(embedder.Embed(texts[6002]), vectors[6002]) < 1e-5f);
    }

    /// <summary>
    /// The list cancels the token when the embedder reads text 2,100 (in the second window of 2,048 short texts): the call
    /// throws once that window is read, the dropped counts of the first window are written, and the embedder keeps working.
    /// </summary>
    [Fact]
    public void A_token_stops_the_call_between_windows_and_the_embedder_keeps_working()
    {
        using var embedder = ToyEmbedder();
        using var cancellation = new CancellationTokenSource();
        var texts = new CancellingTexts(5000, 2100, cancellation);
        var dropped = Enumerable.Repeat(-1, texts.Count).ToArray();
        var e = Assert.ThrowsAny<OperationCanceledException>(() => embedder.Embed(texts, dropped, cancellation.Token));
        Assert.Equal(cancellation.Token, e.CancellationToken);
        Assert.DoesNotContain(-1, dropped[..2048]);
        Assert.All(dropped[4096..], d => Assert.Equal(-1, d));
        Assert.Equal(2 * 2048, texts.Reads);

        Assert.ThrowsAny<OperationCanceledException>(() => embedder.EmbedPairs([("a", "b")], cancellation.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => embedder.Embed(["a"], new float[embedder.Dimension], cancellation.Token));
        var vectors = embedder.Embed(new CancellingTexts(5000, -1, cancellation));
        Assert.True(Vectors.MaxAbsDifference(embedder.Embed(Text(4999)), vectors[4999]) < 1e-5f);
    }

    /// <summary>
    /// Windows close by tokens: texts of 62 tokens fill a window of 32,768 tokens at 529 texts (far below the 2,048-text
    /// cap), so cancelling at text 600 stops the call after two windows of 529 texts; the vectors equal each text alone.
    /// </summary>
    [Fact]
    public void A_window_of_long_texts_closes_at_its_token_limit()
    {
        using var embedder = Toy.Embedder(BertPooling.Mean, normalize: true, maxTokens: 128, new BertEmbedderOptions { IntraOpThreads = 1 });
        static string Long(int i) => string.Join(' ', Enumerable.Range(i, 60).Select(j => "abcdefgh"[j % 8].ToString()));
        var tokenized = new BertTokenizedRows();
        embedder.Tokenizer.Tokenize(Long(0), null, tokenized);
        Assert.Equal(62, tokenized.TokenCount(0));
        using var cancellation = new CancellationTokenSource();
        var texts = new CancellingTexts(2000, 600, cancellation, Long);
        Assert.ThrowsAny<OperationCanceledException>(() => embedder.Embed(texts, cancellation.Token));
        Assert.Equal(2 * 529, texts.Reads);

        var all = new CancellingTexts(1200, -1, null, Long);
        var vectors = embedder.Embed(all);
        foreach (var i in new[] { 0, 528, 529, 1057, 1058, 1199 })
        {
            Assert.True(Vectors.MaxAbsDifference(embedder.Embed(Long(i)), vectors[i]) < 1e-5f, $"text {i}");
        }
    }

    [Fact]
    public void A_token_cancelled_before_the_call_stops_it_before_any_text_is_read()
    {
        using var embedder = ToyEmbedder();
        var texts = new CancellingTexts(10, -1, null);
        Assert.ThrowsAny<OperationCanceledException>(() => embedder.Embed(texts, new CancellationToken(canceled: true)));
        Assert.Equal(0, texts.Reads);
        Assert.Equal(10, embedder.Embed(texts, CancellationToken.None).Length);
    }

    [Fact]
    public void A_destination_too_short_fails_before_any_text_is_read()
    {
        using var embedder = ToyEmbedder();
        var texts = new CancellingTexts(3, -1, null);
        var e = Assert.Throws<ArgumentException>(() => embedder.Embed(texts, new float[(3 * embedder.Dimension) - 1]));
        Assert.Equal("destination", e.ParamName);
        Assert.Equal(0, texts.Reads);
    }

    /// <summary><paramref name="count"/> texts computed on access; reading text <paramref name="cancelAt"/> cancels the source.</summary>
    private sealed class CancellingTexts(int count, int cancelAt, CancellationTokenSource? cancellation, Func<int, string>? text = null) : IReadOnlyList<string?>
    {
        public int Reads { get; private set; }

        public int Count => count;

        public string? this[int index]
        {
            get
            {
                Reads++;
                if (index == cancelAt)
                {
                    cancellation!.Cancel();
                }

                return (text ?? Text)(index);
            }
        }

        public IEnumerator<string?> GetEnumerator() => Enumerable.Range(0, count).Select(i => (string?)this[i]).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

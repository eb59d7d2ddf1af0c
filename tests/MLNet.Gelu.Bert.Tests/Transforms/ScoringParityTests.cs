using Microsoft.ML;
using MLNet.Gelu.Bert.Tests.Support;
using MLNet.Gelu.Datasets;

namespace MLNet.Gelu.Bert.Tests.Transforms;

public class ScoringParityTests
{
    [Fact]
    public void Pipeline_equals_BertEmbedder_on_300_UCI_sentences_across_windows()
    {
        var texts = UciSentiment.Load().Where((_, i) => i % 10 == 0).Select(s => s.Text).ToArray();
        Assert.Equal(300, texts.Length);
        var (embeddings, dropped) = Scoring.Read(Scoring.SmallWindow.Transform(Scoring.Texts(texts)));
        var expectedDropped = new int[texts.Length];
        var expected = MiniLm.Embedder.Embed(texts, expectedDropped);
        Assert.Equal(expectedDropped, dropped);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.True(Vectors.MaxAbsDifference(expected[i], embeddings[i]) < 1e-5f, $"sentence {i}: {Vectors.MaxAbsDifference(expected[i], embeddings[i])}");
        }
    }

    public static TheoryData<string, string?> EdgeCases => new()
    {
        { "null", null },
        { "empty", "" },
        { "whitespace", " \t \r\n " },
        { "control characters", "a\u0000b\u0007c\u001Bd\u007F" },
        { "newline tab return", "note\nbook\tand\rpen" },
        { "accents", "Café Über naïve façade" },
        { "CJK", "日本語のテキストと中文" },
        { "emoji", "🍕🚀👍🏽 great 😀" },
        { "symbols", "$50 for an A+ product is/was 100% a steal!" },
        { "500-char word", new string('x', 500) },
        { "1 MB string", string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", 1_000_000 / 45)) },
    };

    [Theory]
    [MemberData(nameof(EdgeCases))]
    public void Text_edge_cases_score_like_the_embedder_without_exceptions(string name, string? text)
    {
        var (embeddings, dropped) = Scoring.Read(Scoring.SmallWindow.Transform(Scoring.Texts("before", text, "after")));
        var expectedDropped = new int[3];
        var expected = MiniLm.Embedder.Embed(["before", text, "after"], expectedDropped);
        Assert.Equal(expectedDropped, dropped);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(Vectors.MaxAbsDifference(expected[i], embeddings[i]) < 1e-5f, $"{name}, row {i}");
            Assert.All(embeddings[i], v => Assert.True(float.IsFinite(v)));
        }
    }
}

using MLNet.Gelu.Bert.Tests.Support;

namespace MLNet.Gelu.Bert.Tests.Tokenization;

/// <summary>Pins the classic BERT tokenization pitfalls to Hugging Face's behaviour (MiniLM vocabulary, uncased).</summary>
public class TokenizerPitfallTests
{
    private static readonly BertTextTokenizer Tokenizer = new(MiniLm.Model);

    [Theory]
    [InlineData("$50", "$ 50")]
    [InlineData("A+", "a +")]
    [InlineData("is/was", "is / was")]
    [InlineData("100%", "100 %")]
    [InlineData("note\nbook", "note book")]
    [InlineData("a\tb\rc\r\nd", "a b c d")]
    [InlineData("a\u0001b\u0000c", "abc")]
    [InlineData("Café Über naïve", "cafe uber naive")]
    [InlineData("日本語", "日 本 語")]
    [InlineData("“quoted” ‘x’", "“ quoted ” ‘ x ’")]
    [InlineData("I love 🍕 pizza", "i love [UNK] pizza")]
    [InlineData("FS", "f ##s")]
    [InlineData("", "")]
    [InlineData("   \n\t ", "")]
    [InlineData(null, "")]
    public void Text_becomes_hugging_face_tokens(string? text, string expected)
    {
        var encoding = Tokenizer.Encode(text);
        Assert.Equal("[CLS] " + (expected.Length == 0 ? "" : expected + " ") + "[SEP]", Decode(encoding.InputIds));
        Assert.All(encoding.AttentionMask, m => Assert.Equal(1, m));
        Assert.All(encoding.TokenTypeIds, t => Assert.Equal(0, t));
        Assert.Equal(0, encoding.DroppedTokens);
    }

    [Fact]
    public void A_word_over_100_characters_is_one_unknown_token_as_in_hugging_face()
    {
        Assert.Equal("[CLS] [UNK] [SEP]", Decode(Tokenizer.Encode(new string('a', 500)).InputIds));
        Assert.Equal("[CLS] [UNK] [SEP]", Decode(Tokenizer.Encode(new string('a', 101)).InputIds));
        Assert.Equal("[CLS] x [UNK] , y [UNK] [SEP]", Decode(Tokenizer.Encode("x " + new string('b', 150) + ", y " + new string('c', 120)).InputIds));
        // Exactly 100 characters is still split into word pieces.
        var hundred = Tokenizer.Encode(new string('a', 100)).InputIds;
        Assert.True(hundred.Length > 3);
        Assert.DoesNotContain(100L, hundred);
        // Accents do not count when they are stripped: 100 letters with 100 combining marks is 100 characters.
        var accented = string.Concat(Enumerable.Repeat("e\u0301", 100));
        Assert.DoesNotContain(100L, Tokenizer.Encode(accented).InputIds);
    }

    [Fact]
    public void One_megabyte_is_truncated_and_the_dropped_tokens_are_counted()
    {
        var text = string.Concat(Enumerable.Repeat("the quick brown fox jumps. ", 1024 * 1024 / 27 + 1));
        Assert.True(text.Length >= 1024 * 1024);
        var total = Tokenizer.CountTokens(text);
        var encoding = Tokenizer.Encode(text);
        Assert.Equal(256, encoding.InputIds.Length);
        Assert.Equal(total - 256, encoding.DroppedTokens);
        Assert.Equal(6 * (text.Length / 27) + 2, total); // 6 tokens per sentence
        Assert.Equal(102, encoding.InputIds[^1]);
        Assert.StartsWith("[CLS] the quick brown fox jumps . the", Decode(encoding.InputIds));
    }

    [Fact]
    public void Truncation_keeps_the_first_word_pieces()
    {
        var tokenizer = new BertTextTokenizer(MiniLm.Model.Vocabulary, lowerCase: true, maxTokens: 6);
        var encoding = tokenizer.Encode("one two three four five six");
        Assert.Equal("[CLS] one two three four [SEP]", Decode(encoding.InputIds));
        Assert.Equal(2, encoding.DroppedTokens);
        var exact = tokenizer.Encode("one two three four");
        Assert.Equal(0, exact.DroppedTokens);
        Assert.Equal(6, exact.InputIds.Length);
    }

    [Fact]
    public void Cased_tokenizer_keeps_case_and_accents()
    {
        var cased = new BertTextTokenizer(MiniLm.Model.Vocabulary, lowerCase: false, maxTokens: 32);
        // The uncased vocabulary has no "Paris" token: a cased tokenizer must not lower-case on its own.
        Assert.NotEqual(Decode(cased.Encode("Paris").InputIds), Decode(Tokenizer.Encode("Paris").InputIds));
        Assert.Equal("[CLS] paris [SEP]", Decode(Tokenizer.Encode("Paris").InputIds));
    }

    [Fact]
    public void Span_overload_writes_the_same_and_checks_lengths()
    {
        var ids = new long[256];
        var mask = new long[256];
        var types = new long[256];
        var n = Tokenizer.Encode("Hello, world!", null, ids, mask, types, out var dropped);
        Assert.Equal(Tokenizer.Encode("Hello, world!").InputIds, ids[..n]);
        Assert.Equal(0, dropped);
        Assert.Throws<ArgumentException>(() => Tokenizer.Encode("x", null, new long[10], mask, types, out _));
    }

    [Fact]
    public void Concurrent_use_gives_the_same_tokens()
    {
        var texts = Enumerable.Range(0, 400).Select(i => $"Sentence {i}: naïve café, $ {i * 3}% A+ is/was " + new string('z', i % 130)).ToArray();
        var expected = texts.Select(t => Tokenizer.Encode(t).InputIds).ToArray();
        var actual = new long[texts.Length][];
        Parallel.For(0, texts.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => actual[i] = Tokenizer.Encode(texts[i]).InputIds);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(expected[i], actual[i]);
        }
    }

    internal static string Decode(IEnumerable<long> ids) =>
        string.Join(" ", ids.Select(id => MiniLm.Model.Vocabulary.Tokens[(int)id]));
}

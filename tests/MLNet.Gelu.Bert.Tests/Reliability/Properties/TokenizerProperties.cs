using CsCheck;
using MLNet.Gelu.Bert.Tests.Support;

namespace MLNet.Gelu.Bert.Tests.Reliability.Properties;

/// <summary>
/// The tokenizer on any string (lone surrogates, controls, zero-width characters, accents, CJK, megabyte texts): it never
/// throws, never writes more than <c>MaxTokens</c>, every id lies inside the vocabulary, the frame is
/// <c>[CLS] … [SEP]</c>, and truncation, pairs and chunking account for every word piece. CsCheck runs each property on
/// several threads at once, so the tokenizer's thread safety is exercised too; a failure prints the seed that replays it.
/// </summary>
public class TokenizerProperties
{
    private static readonly Lazy<BertTextTokenizer> Uncased = new(() => new BertTextTokenizer(MiniLm.Model));

    private static readonly Lazy<BertTextTokenizer> Cased = new(() => new BertTextTokenizer(MiniLm.Model.Vocabulary, lowerCase: false, maxTokens: 256));

    private static readonly Lazy<BertTextTokenizer> Short = new(() => new BertTextTokenizer(MiniLm.Model.Vocabulary, lowerCase: true, maxTokens: 9));

    /// <summary>No limit worth the name: the reference for how many word pieces a text has.</summary>
    private static readonly Lazy<BertTextTokenizer> Unlimited = new(() => new BertTextTokenizer(MiniLm.Model.Vocabulary, lowerCase: true, maxTokens: 1 << 16));

    private static readonly Lazy<BertTextTokenizer> Chunking = new(() => new BertTextTokenizer(
        MiniLm.Model.Vocabulary, lowerCase: true, maxTokens: 12, new BertTokenizerOptions { LongText = BertLongTextMode.Chunk, ChunkOverlap = 3 }));

    public static TheoryData<string> Tokenizers => ["uncased", "cased", "short"];

    private static BertTextTokenizer Pick(string name) => name switch
    {
        "uncased" => Uncased.Value,
        "cased" => Cased.Value,
        _ => Short.Value,
    };

    [Theory]
    [MemberData(nameof(Tokenizers))]
    public void Any_text_encodes_inside_the_limit_and_the_vocabulary(string name)
    {
        var tokenizer = Pick(name);
        TextGen.NullableText(600).Sample(text =>
        {
            var encoding = tokenizer.Encode(text);
            AssertFrame(tokenizer, encoding.InputIds, encoding.AttentionMask);
            Assert.All(encoding.TokenTypeIds, t => Assert.Equal(0, t));

            // Kept plus dropped pieces are every piece the text has.
            Assert.Equal(tokenizer.CountTokens(text), encoding.InputIds.Length + encoding.DroppedTokens);

            // Same text, same ids (no state leaks between calls or threads).
            Assert.Equal(encoding.InputIds, tokenizer.Encode(text).InputIds);
        }, iter: 400, print: Show);
    }

    [Fact]
    public void Truncation_keeps_a_prefix_of_the_full_encoding()
    {
        TextGen.NullableText(300).Sample(text =>
        {
            var full = Unlimited.Value.Encode(text).InputIds;
            var cut = Short.Value.Encode(text);
            var kept = cut.InputIds.Length - 2;
            Assert.Equal(full.AsSpan(1, kept).ToArray(), cut.InputIds.AsSpan(1, kept).ToArray());
            Assert.Equal(full.Length - 2 - kept, cut.DroppedTokens);
        }, iter: 300, print: Show);
    }

    [Theory]
    [MemberData(nameof(Tokenizers))]
    public void Any_pair_encodes_inside_the_limit_with_types_after_the_first_separator(string name)
    {
        var tokenizer = Pick(name);
        Gen.Select(TextGen.NullableText(300), TextGen.Text(300)).Sample((first, second) =>
        {
            var encoding = tokenizer.Encode(first, second);
            var ids = encoding.InputIds;
            AssertFrame(tokenizer, ids, encoding.AttentionMask);

            // Types: 0 for [CLS] a [SEP], then 1 for b [SEP]; at least the final [SEP] is type 1.
            var types = encoding.TokenTypeIds;
            var typeStart = Array.IndexOf(types, 1L);
            Assert.True(typeStart >= 2, $"type 1 starts at {typeStart}");
            Assert.Equal(tokenizer.Vocabulary.SepId, ids[typeStart - 1]);
            Assert.All(types.AsSpan(0, typeStart).ToArray(), t => Assert.Equal(0, t));
            Assert.All(types.AsSpan(typeStart).ToArray(), t => Assert.Equal(1, t));

            var pieces = tokenizer.CountTokens(first) - 2 + tokenizer.CountTokens(second) - 2;
            Assert.Equal(pieces, ids.Length - 3 + encoding.DroppedTokens);
        }, iter: 300, print: t => $"({Show(t.Item1)}, {Show(t.Item2)})");
    }

    [Fact]
    public void Chunked_windows_fit_the_limit_and_cover_every_piece_in_order()
    {
        var tokenizer = Chunking.Value;
        var content = tokenizer.MaxTokens - 2;
        var step = content - tokenizer.Options.ChunkOverlap;
        TextGen.NullableText(400).Sample(text =>
        {
            var rows = new BertTokenizedRows();
            var row = tokenizer.Tokenize(text, null, rows);
            Assert.Equal(0, rows.DroppedTokens(row));

            var full = Unlimited.Value.Encode(text).InputIds;
            var pieces = full.AsSpan(1, full.Length - 2).ToArray();
            var windows = rows.SequencesOf(row);
            Assert.Equal(pieces.Length <= content ? 1 : 1 + (pieces.Length - content + step - 1) / step, windows);
            for (var w = 0; w < windows; w++)
            {
                var ids = rows.InputIds(w).ToArray();
                Assert.True(ids.Length <= tokenizer.MaxTokens, $"window {w} holds {ids.Length} tokens");
                Assert.Equal(tokenizer.Vocabulary.ClsId, ids[0]);
                Assert.Equal(tokenizer.Vocabulary.SepId, ids[^1]);
                var start = w * step;
                Assert.Equal(pieces.AsSpan(start, ids.Length - 2).ToArray(), ids.AsSpan(1, ids.Length - 2).ToArray());
            }
        }, iter: 300, print: Show);
    }

    [Fact]
    public void Megabyte_texts_encode_inside_the_limit()
    {
        TextGen.Megabyte.Sample(text =>
        {
            var encoding = Uncased.Value.Encode(text);
            AssertFrame(Uncased.Value, encoding.InputIds, encoding.AttentionMask);
            Assert.Equal(Uncased.Value.MaxTokens, encoding.InputIds.Length);
            Assert.True(encoding.DroppedTokens > 0);
        }, iter: 4, threads: 2, print: t => $"{t.Length} chars starting '{Show(t[..40])}'");
    }

    private static void AssertFrame(BertTextTokenizer tokenizer, long[] ids, long[] mask)
    {
        Assert.InRange(ids.Length, 2, tokenizer.MaxTokens);
        Assert.Equal(tokenizer.Vocabulary.ClsId, ids[0]);
        Assert.Equal(tokenizer.Vocabulary.SepId, ids[^1]);
        var size = tokenizer.Vocabulary.Tokens.Count;
        Assert.All(ids, id => Assert.InRange(id, 0, size - 1));
        Assert.Equal(ids.Length, mask.Length);
        Assert.All(mask, m => Assert.Equal(1, m));
    }

    /// <summary>A text as C# escapes, so a failing case can be pasted back.</summary>
    private static string Show(string? text) => text is null ? "null" : string.Concat(text.Select(c => c is >= ' ' and < '\u007F' ? c.ToString() : $"\\u{(int)c:X4}"));
}

using MLNet.Gelu.Bert.Tests.Support;
using static MLNet.Gelu.Bert.Tests.Tokenization.TokenizerPitfallTests;

namespace MLNet.Gelu.Bert.Tests.Tokenization;

public class PairAndChunkTests
{
    private static readonly BertTextTokenizer Tokenizer = new(MiniLm.Model);

    [Fact]
    public void Pair_has_two_separators_and_token_type_1_for_the_second_text()
    {
        var encoding = Tokenizer.Encode("How old are you?", "I am six.");
        Assert.Equal("[CLS] how old are you ? [SEP] i am six . [SEP]", Decode(encoding.InputIds));
        Assert.Equal(new long[] { 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1 }, encoding.TokenTypeIds);
        Assert.Equal(0, encoding.DroppedTokens);
    }

    [Fact]
    public void Pair_truncation_is_longest_first()
    {
        var tokenizer = new BertTextTokenizer(MiniLm.Model.Vocabulary, lowerCase: true, maxTokens: 10);
        var encoding = tokenizer.Encode("a b c d e f g h", "x y");
        // 7 pieces fit: the short second text stays whole, the long first text gives way.
        Assert.Equal("[CLS] a b c d e [SEP] x y [SEP]", Decode(encoding.InputIds));
        Assert.Equal(3, encoding.DroppedTokens);
        var both = tokenizer.Encode("a b c d e f", "t u v w x y");
        Assert.Equal("[CLS] a b c d [SEP] t u v [SEP]", Decode(both.InputIds));
        Assert.Equal(5, both.DroppedTokens);
    }

    [Fact]
    public void Fit_pair_matches_removing_one_piece_at_a_time_from_the_longer_text()
    {
        for (var budget = 0; budget <= 24; budget++)
        {
            for (var a = 0; a <= 24; a++)
            {
                for (var b = 0; b <= 24; b++)
                {
                    int keepA = a, keepB = b;
                    while (keepA + keepB > budget)
                    {
                        if (keepA > keepB)
                        {
                            keepA--;
                        }
                        else
                        {
                            keepB--;
                        }
                    }

                    Assert.Equal((keepA, keepB), BertTextTokenizer.FitPair(a, b, budget));
                }
            }
        }
    }

    [Fact]
    public void Chunking_covers_every_piece_with_the_requested_overlap()
    {
        var tokenizer = new BertTextTokenizer(MiniLm.Model.Vocabulary, lowerCase: true, maxTokens: 10,
            new BertTokenizerOptions { LongText = BertLongTextMode.Chunk, ChunkOverlap = 2 });
        var words = Enumerable.Range(0, 20).Select(i => ((char)('a' + i)).ToString()).ToArray();
        var rows = new BertTokenizedRows();
        var row = tokenizer.Tokenize(string.Join(" ", words), null, rows);
        Assert.Equal(0, row);
        Assert.Equal(1, rows.RowCount);
        Assert.Equal(0, rows.DroppedTokens(0));
        // 20 pieces, 8 per window, step 6: windows start at 0, 6, 12 (12 + 8 = 20 covers the end).
        Assert.Equal(3, rows.SequencesOf(0));
        Assert.Equal("[CLS] a b c d e f g h [SEP]", Decode(rows.InputIds(0).ToArray()));
        Assert.Equal("[CLS] g h i j k l m n [SEP]", Decode(rows.InputIds(1).ToArray()));
        Assert.Equal("[CLS] m n o p q r s t [SEP]", Decode(rows.InputIds(2).ToArray()));

        tokenizer.Tokenize("short", null, rows);
        Assert.Equal(2, rows.RowCount);
        Assert.Equal(1, rows.SequencesOf(1));
        Assert.Equal(1, rows.RowOf(3));
        Assert.Throws<NotSupportedException>(() => tokenizer.Tokenize("a", "b", rows));
    }

    [Fact]
    public void Invalid_chunk_overlap_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BertTextTokenizer(MiniLm.Model.Vocabulary, true, 10,
            new BertTokenizerOptions { LongText = BertLongTextMode.Chunk, ChunkOverlap = 4 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BertTextTokenizer(MiniLm.Model.Vocabulary, true, 10,
            new BertTokenizerOptions { ChunkOverlap = -1 }));
    }

    [Fact]
    public void Tokenized_rows_report_truncation_and_reuse_their_buffers()
    {
        var tokenizer = new BertTextTokenizer(MiniLm.Model.Vocabulary, lowerCase: true, maxTokens: 5);
        var rows = new BertTokenizedRows();
        tokenizer.Tokenize("a b c d e", null, rows);
        tokenizer.Tokenize(null, null, rows);
        tokenizer.Tokenize("x", "y z", rows);
        Assert.Equal((3, 3), (rows.RowCount, rows.SequenceCount));
        Assert.Equal(new[] { 2, 0, 1 }, Enumerable.Range(0, 3).Select(rows.DroppedTokens));
        Assert.Equal("[CLS] [SEP]", Decode(rows.InputIds(1).ToArray()));
        Assert.Equal(3, rows.TypeStart(2));
        Assert.Equal(2, rows.TypeStart(1));
        rows.Clear();
        Assert.Equal(0, rows.RowCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => rows.DroppedTokens(0));
    }
}

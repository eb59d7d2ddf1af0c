using MLNet.Gelu.Bert.Tests.Support;
using MLNet.Gelu.Bert.Training;
using MLNet.Gelu.Encoder;

namespace MLNet.Gelu.Bert.Tests.Training;

/// <summary>
/// The embedding rows of an encoder trained from scratch: one per word piece seen in training plus <c>[PAD]</c> and
/// <c>[UNK]</c>, in WordPiece id order; unseen pieces read <c>[UNK]</c>'s row, and the expanded table (what the ONNX export
/// holds) gives every WordPiece id the row the encoder reads for it.
/// </summary>
public class WordPieceRowsTests
{
    private static BertVocabulary Vocabulary => MiniLm.Model.Vocabulary;

    [Fact]
    public void Seen_pieces_pad_and_unk_get_rows_in_id_order_and_unseen_pieces_read_unk()
    {
        var v = Vocabulary;
        int[] first = [v.ClsId, 2000, 1037, v.SepId];
        int[] second = [v.ClsId, 1037, 5000, 1037, v.SepId];

        var rows = WordPieceRows.Collect([first, second], v);

        int[] expected = [.. new[] { v.PadId, v.UnkId, v.ClsId, v.SepId, 1037, 2000, 5000 }.Distinct().Order()];
        Assert.Equal(expected, rows.Ids);
        Assert.Equal(expected.Length, rows.Count);
        Assert.Equal(v.Tokens.Count, rows.VocabularySize);
        for (int r = 0; r < expected.Length; r++)
        {
            Assert.Equal(r, rows.RowOf(expected[r]));
        }

        int unknownRow = rows.RowOf(v.UnkId);
        Assert.Equal(unknownRow, rows.RowOf(1038));
        Assert.Equal(unknownRow, rows.RowOf(v.Tokens.Count - 1));

        int[] text = [v.ClsId, 5000, 1038, v.SepId];
        rows.MapInPlace(text);
        Assert.Equal([rows.RowOf(v.ClsId), Array.IndexOf(expected, 5000), unknownRow, rows.RowOf(v.SepId)], text);
    }

    [Fact]
    public void The_expanded_table_gives_each_word_piece_id_its_row()
    {
        var v = Vocabulary;
        var rows = WordPieceRows.Collect([[v.ClsId, 1996, 3185, v.SepId]], v);
        var table = new EncoderTensor("embeddings.word_embeddings.weight", rows.Count, 3, EncoderTensorKind.Matrix);
        for (int i = 0; i < table.Values.Length; i++)
        {
            table.Values[i] = i + 1;
        }

        float[] expanded = rows.Expand(table);

        Assert.Equal(v.Tokens.Count * 3, expanded.Length);
        foreach (int id in new[] { v.PadId, v.UnkId, v.ClsId, 1996, 3185, 1997, 29000 })
        {
            Assert.Equal(table.Values.AsSpan(rows.RowOf(id) * 3, 3).ToArray(), expanded.AsSpan(id * 3, 3).ToArray());
        }

        Assert.Throws<ArgumentException>(() => rows.Expand(new EncoderTensor("t", rows.Count + 1, 3, EncoderTensorKind.Matrix)));
    }

    [Fact]
    public void A_damaged_row_list_is_rejected()
    {
        var v = Vocabulary;
        int[] good = [v.PadId, v.UnkId, v.ClsId];
        Assert.Equal(good, new WordPieceRows(good, v).Ids);
        Assert.Throws<InvalidDataException>(() => new WordPieceRows([v.PadId, v.ClsId, v.UnkId], v));
        Assert.Throws<InvalidDataException>(() => new WordPieceRows([v.PadId, v.UnkId, v.UnkId], v));
        Assert.Throws<InvalidDataException>(() => new WordPieceRows([v.PadId, v.UnkId, v.Tokens.Count], v));
        Assert.Throws<InvalidDataException>(() => new WordPieceRows([-1, v.PadId, v.UnkId], v));
        var missing = Assert.Throws<InvalidDataException>(() => new WordPieceRows([v.PadId, v.ClsId], v));
        Assert.Contains("[UNK]", missing.Message, StringComparison.Ordinal);
    }
}

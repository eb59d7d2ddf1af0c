using MLNet.Gelu.Encoder;

namespace MLNet.Gelu.Bert.Training;

/// <summary>
/// The token embedding rows of an encoder trained from scratch: only the word pieces seen in the training texts (and
/// <c>[PAD]</c> and <c>[UNK]</c>) get a row, so the table stays small; every other piece of the vocabulary reads
/// <c>[UNK]</c>'s row. Rows are in ascending WordPiece id order, so the row list alone (<see cref="Ids"/>) is the mapping.
/// </summary>
internal sealed class WordPieceRows
{
    private readonly int[] _rowOf;

    /// <summary>Restores the mapping from the WordPiece id of every row.</summary>
    /// <param name="ids">The WordPiece id of each row, ascending, within the vocabulary, <c>[PAD]</c> and <c>[UNK]</c> included.</param>
    /// <param name="vocabulary">The WordPiece vocabulary the texts are tokenized with.</param>
    /// <exception cref="InvalidDataException">The ids are not such a list.</exception>
    public WordPieceRows(int[] ids, BertVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(vocabulary);
        int size = vocabulary.Tokens.Count;
        for (int r = 0; r < ids.Length; r++)
        {
            if (ids[r] < 0 || ids[r] >= size || (r > 0 && ids[r] <= ids[r - 1]))
            {
                throw new InvalidDataException($"Embedding row {r} records word piece {ids[r]}: the rows must list distinct ids of the {size}-piece vocabulary in ascending order.");
            }
        }

        Ids = ids;
        _rowOf = new int[size];
        int unknown = Array.BinarySearch(ids, vocabulary.UnkId);
        if (unknown < 0 || Array.BinarySearch(ids, vocabulary.PadId) < 0)
        {
            throw new InvalidDataException("The embedding rows must include [PAD] and [UNK].");
        }

        Array.Fill(_rowOf, unknown);
        for (int r = 0; r < ids.Length; r++)
        {
            _rowOf[ids[r]] = r;
        }
    }

    /// <summary>The WordPiece id of every row, ascending.</summary>
    public int[] Ids { get; }

    /// <summary>Rows of the embedding table.</summary>
    public int Count => Ids.Length;

    /// <summary>The vocabulary size the rows map from.</summary>
    public int VocabularySize => _rowOf.Length;

    /// <summary>The rows of <c>[PAD]</c>, <c>[UNK]</c> and every piece in <paramref name="sequences"/>.</summary>
    public static WordPieceRows Collect(IEnumerable<int[]> sequences, BertVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var seen = new SortedSet<int> { vocabulary.PadId, vocabulary.UnkId };
        foreach (var ids in sequences)
        {
            seen.UnionWith(ids);
        }

        return new WordPieceRows([.. seen], vocabulary);
    }

    /// <summary>The row of WordPiece id <paramref name="id"/> (<c>[UNK]</c>'s row for a piece without one).</summary>
    public int RowOf(int id) => _rowOf[id];

    /// <summary>The token id that pads a batch: <c>[PAD]</c>'s row when <paramref name="rows"/> maps the pieces (from scratch),
    /// else <c>[PAD]</c>'s WordPiece id.</summary>
    public static int PadRow(WordPieceRows? rows, BertVocabulary vocabulary) => rows?.RowOf(vocabulary.PadId) ?? vocabulary.PadId;

    /// <summary>Replaces every WordPiece id in <paramref name="ids"/> by its row.</summary>
    public void MapInPlace(int[] ids)
    {
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = _rowOf[ids[i]];
        }
    }

    /// <summary>The table indexed by WordPiece id (vocabulary × width): each id's row of <paramref name="table"/>, so a model
    /// that reads the tokenizer's ids directly computes what the encoder computes on the mapped rows.</summary>
    public float[] Expand(EncoderTensor table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.Rows != Count)
        {
            throw new ArgumentException($"The table has {table.Rows} rows; the mapping has {Count}.", nameof(table));
        }

        int width = table.Columns;
        var expanded = new float[_rowOf.Length * width];
        for (int id = 0; id < _rowOf.Length; id++)
        {
            table.Values.AsSpan(_rowOf[id] * width, width).CopyTo(expanded.AsSpan(id * width, width));
        }

        return expanded;
    }
}

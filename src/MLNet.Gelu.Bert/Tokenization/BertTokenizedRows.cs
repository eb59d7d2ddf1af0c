namespace MLNet.Gelu.Bert;

/// <summary>
/// A window of tokenized rows kept in flat, reused buffers: each row is one model input (a sequence), or several
/// with chunking. Fill it with <see cref="BertTextTokenizer.Tokenize(string?, string?, BertTokenizedRows)"/>, score it with
/// a <see cref="BertBatcher"/>, then <see cref="Clear"/> and reuse it. Not thread-safe: one per cursor or call.
/// </summary>
internal sealed class BertTokenizedRows
{
    /// <summary>The tokens a new instance holds before growing.</summary>
    internal const int InitialTokenCapacity = 4096;

    /// <summary>The sequences (and rows) a new instance holds before growing.</summary>
    internal const int InitialSequenceCapacity = 64;

    private long[] _tokens = new long[InitialTokenCapacity];
    private int _tokenCount;
    private int[] _sequenceStart = new int[InitialSequenceCapacity];
    private int[] _sequenceLength = new int[InitialSequenceCapacity];
    private int[] _sequenceTypeStart = new int[InitialSequenceCapacity];
    private int[] _sequenceRow = new int[InitialSequenceCapacity];
    private int[] _rowDropped = new int[InitialSequenceCapacity];
    private int[] _rowSequences = new int[InitialSequenceCapacity];

    /// <summary>The number of rows (texts or pairs).</summary>
    public int RowCount { get; private set; }

    /// <summary>The number of model inputs (equal to <see cref="RowCount"/> unless long texts were chunked).</summary>
    public int SequenceCount { get; private set; }

    /// <summary>Word pieces truncation dropped from a row (0 when it fit or was chunked).</summary>
    /// <param name="row">The row index.</param>
    public int DroppedTokens(int row) => _rowDropped[CheckRow(row)];

    /// <summary>How many model inputs a row became (1 unless chunked).</summary>
    /// <param name="row">The row index.</param>
    public int SequencesOf(int row) => _rowSequences[CheckRow(row)];

    /// <summary>The token ids of one model input, <c>[CLS]</c> … <c>[SEP]</c>.</summary>
    /// <param name="sequence">The sequence index.</param>
    public ReadOnlySpan<long> InputIds(int sequence) =>
        _tokens.AsSpan(_sequenceStart[CheckSequence(sequence)], _sequenceLength[sequence]);

    /// <summary>The number of tokens in one model input.</summary>
    /// <param name="sequence">The sequence index.</param>
    public int Length(int sequence) => _sequenceLength[CheckSequence(sequence)];

    /// <summary>The row a model input belongs to.</summary>
    /// <param name="sequence">The sequence index.</param>
    public int RowOf(int sequence) => _sequenceRow[CheckSequence(sequence)];

    /// <summary>Where token type 1 starts in a model input (its length when it is a single text).</summary>
    /// <param name="sequence">The sequence index.</param>
    public int TypeStart(int sequence) => _sequenceTypeStart[CheckSequence(sequence)];

    /// <summary>How many tokens the buffers hold without growing (they only grow, until the object is dropped).</summary>
    public int TokenCapacity => _tokens.Length;

    /// <summary>How many model inputs the buffers hold without growing.</summary>
    public int SequenceCapacity => _sequenceStart.Length;

    /// <summary>The tokens of every model input (chunk) from <paramref name="firstSequence"/> on: one row's when it was tokenized last.</summary>
    public int TokenCount(int firstSequence)
    {
        int sum = 0;
        for (int s = firstSequence; s < SequenceCount; s++)
        {
            sum += Length(s);
        }

        return sum;
    }

    /// <summary>Forgets all rows, keeping the buffers.</summary>
    public void Clear()
    {
        RowCount = 0;
        SequenceCount = 0;
        _tokenCount = 0;
    }

    /// <summary>
    /// Appends every row of <paramref name="other"/> after this window's rows, with its model inputs (chunks, pair token
    /// types and dropped-token counts as they are): row <c>r</c> of <paramref name="other"/> becomes row <c>RowCount + r</c>.
    /// </summary>
    /// <param name="other">Rows tokenized elsewhere; left unchanged.</param>
    internal void Append(BertTokenizedRows other)
    {
        var firstRow = RowCount;
        for (var r = 0; r < other.RowCount; r++)
        {
            AddRow(other._rowDropped[r]);
        }

        for (var s = 0; s < other.SequenceCount; s++)
        {
            var tokens = other.InputIds(s);
            tokens.CopyTo(ReserveTokens(tokens.Length));
            CommitSequence(firstRow + other._sequenceRow[s], tokens.Length, other._sequenceTypeStart[s]);
        }
    }

    internal Span<long> ReserveTokens(int count)
    {
        if (_tokenCount + count > _tokens.Length)
        {
            Array.Resize(ref _tokens, Math.Max(_tokens.Length * 2, _tokenCount + count));
        }

        return _tokens.AsSpan(_tokenCount, count);
    }

    internal int AddRow(int dropped)
    {
        if (RowCount == _rowDropped.Length)
        {
            Array.Resize(ref _rowDropped, RowCount * 2);
            Array.Resize(ref _rowSequences, RowCount * 2);
        }

        _rowDropped[RowCount] = dropped;
        _rowSequences[RowCount] = 0;
        return RowCount++;
    }

    internal void CommitSequence(int row, int length, int typeStart)
    {
        if (SequenceCount == _sequenceStart.Length)
        {
            var size = SequenceCount * 2;
            Array.Resize(ref _sequenceStart, size);
            Array.Resize(ref _sequenceLength, size);
            Array.Resize(ref _sequenceTypeStart, size);
            Array.Resize(ref _sequenceRow, size);
        }

        _sequenceStart[SequenceCount] = _tokenCount;
        _sequenceLength[SequenceCount] = length;
        _sequenceTypeStart[SequenceCount] = typeStart;
        _sequenceRow[SequenceCount] = row;
        SequenceCount++;
        _rowSequences[row]++;
        _tokenCount += length;
    }

    private int CheckRow(int row) =>
        (uint)row < (uint)RowCount ? row : throw new ArgumentOutOfRangeException(nameof(row), row, $"There are {RowCount} rows.");

    private int CheckSequence(int sequence) =>
        (uint)sequence < (uint)SequenceCount ? sequence : throw new ArgumentOutOfRangeException(nameof(sequence), sequence, $"There are {SequenceCount} sequences.");
}

using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Gelu.Bert;

/// <summary>
/// ScoreBert's batching cursor: a <see cref="WindowCursor"/> (windows of <see cref="BertScoringOptions.WindowTokens"/>
/// tokens or <see cref="BertScoringOptions.WindowSize"/> rows) that tokenizes each row and scores the window together
/// (the batcher sorts by length and cuts the cheapest runs under the token budget). The embeddings and token counts of the
/// window are held per row; serving a row allocates nothing.
/// </summary>
internal sealed class BertBatchingCursor : WindowCursor
{
    private readonly BertColumnMapper _mapper;
    private readonly bool _score;
    private readonly CancellationToken _cancellation;
    private readonly Func<(string Text, string? Second)> _read;
    private readonly int _dimension;
    private readonly BertTokenizedRows _rows = new();
    private int[] _dropped;
    private int[] _tokens;
    private float[] _embeddings;

    internal BertBatchingCursor(BertColumnMapper mapper, DataViewRowCursor input, bool[] active)
        : base(mapper, input, active, mapper.Owner.Options.WindowSize, mapper.Owner.Options.WindowTokens, mapper.Cancellation)
    {
        _mapper = mapper;
        _cancellation = mapper.Cancellation;
        _read = mapper.TextReader(input);
        _dropped = new int[Capacity];
        _tokens = new int[Capacity];
        for (int i = 0; i < active.Length; i++)
        {
            int source = mapper.SourceOf(Schema[i]);
            _score |= source < 0 && active[i] && mapper.Roles[~source] == BertOutput.Embedding;
        }

        _dimension = mapper.Owner.Dimension;
        _embeddings = _score ? new float[Capacity * _dimension] : [];
    }

    protected override void BeginWindow() => _rows.Clear();

    protected override int ReadRow(int index)
    {
        var (text, second) = _read();
        int first = _rows.SequenceCount;
        _mapper.Owner.Tokenizer.Tokenize(text, second, _rows);
        _dropped[index] = _rows.DroppedTokens(index);
        _tokens[index] = _rows.TokenCount(first);
        return _tokens[index];
    }

    protected override void ComputeWindow(int count)
    {
        if (_score)
        {
            _mapper.Owner.Batcher.Score(_rows, _embeddings, _cancellation);
        }
        else
        {
            // Count columns only: nothing runs, but a window after Dispose fails like scoring does.
            _mapper.Owner.Session.ThrowIfDisposed();
        }
    }

    protected override void GrowRows(int capacity)
    {
        Array.Resize(ref _dropped, capacity);
        Array.Resize(ref _tokens, capacity);
        if (_score)
        {
            Array.Resize(ref _embeddings, capacity * _dimension);
        }
    }

    protected override Delegate AddedGetter(int added) => _mapper.Roles[added] switch
    {
        BertOutput.Embedding => EmbeddingGetter(),
        BertOutput.TruncatedTokens => (ValueGetter<int>)((ref int value) => value = _dropped[Current]),
        _ => (ValueGetter<int>)((ref int value) => value = _tokens[Current]),
    };

    private ValueGetter<VBuffer<float>> EmbeddingGetter() => (ref VBuffer<float> value) =>
    {
        var editor = VBufferEditor.Create(ref value, _dimension);
        _embeddings.AsSpan(Current * _dimension, _dimension).CopyTo(editor.Values);
        value = editor.Commit();
    };
}

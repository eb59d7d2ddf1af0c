using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Gelu.Bert;

/// <summary>
/// The batching cursor: reads a window of input rows ahead, tokenizes them and scores them together
/// (the batcher sorts by length and cuts batches under the token budget), then serves the rows in input order. The
/// input cursor has moved on by then, so every active pass-through column, the row ids and the input cursor's batch
/// numbers are buffered per window. All buffers are created once per cursor; serving a row allocates nothing.
/// </summary>
internal sealed class BertBatchingCursor : DataViewRowCursor
{
    private readonly DataViewRowCursor _input;
    private readonly BertColumnMapper _mapper;
    private readonly bool[] _active;
    private readonly int _window;
    private readonly bool _score;
    private readonly CancellationToken _cancellation;
    private readonly WindowSlot _slot = new();
    private readonly Func<(string Text, string? Second)> _read;
    private readonly ColumnBuffer?[] _buffers;
    private readonly ValueGetter<DataViewRowId> _inputId;
    private readonly DataViewRowId[] _ids;
    private readonly long[] _batches;
    private readonly int[] _dropped;
    private readonly int[] _tokens;
    private readonly float[] _embeddings;
    private readonly BertTokenizedRows _rows = new();
    private int _count;
    private long _position = -1;
    private bool _inputDone;

    internal BertBatchingCursor(BertColumnMapper mapper, DataViewRowCursor input, bool[] active)
    {
        _mapper = mapper;
        _input = input;
        _active = active;
        var owner = mapper.Owner;
        _window = owner.Options.WindowSize;
        _cancellation = mapper.Cancellation;
        Schema = mapper.OutputSchema;
        _read = mapper.TextReader(input);
        _inputId = input.GetIdGetter();
        _ids = new DataViewRowId[_window];
        _batches = new long[_window];
        _dropped = new int[_window];
        _tokens = new int[_window];
        _slot.Current = -1;

        _buffers = new ColumnBuffer?[Schema.Count];
        for (int i = 0; i < Schema.Count; i++)
        {
            int source = mapper.SourceOf(Schema[i]);
            if (source >= 0 && input.IsColumnActive(input.Schema[source]))
            {
                _buffers[i] = ColumnBuffer.Create(input, input.Schema[source], _window, _slot);
            }
            else if (source < 0 && active[i] && mapper.Roles[~source] == BertOutput.Embedding)
            {
                _score = true;
            }
        }

        _embeddings = _score ? new float[_window * owner.Dimension] : [];
    }

    public override DataViewSchema Schema { get; }

    public override long Position => _position;

    /// <summary>The input cursor's batch number when it was on the row served now (it has read up to a window further since).</summary>
    public override long Batch => _slot.Current >= 0 ? _batches[_slot.Current] : _input.Batch;

    public override bool MoveNext()
    {
        if (_slot.Current + 1 < _count)
        {
            _slot.Current++;
            _position++;
            return true;
        }

        if (!FillWindow())
        {
            _slot.Current = -1;
            _count = 0;
            return false;
        }

        _slot.Current = 0;
        _position++;
        return true;
    }

    public override ValueGetter<DataViewRowId> GetIdGetter()
    {
        var ids = _ids;
        var slot = _slot;
        return (ref DataViewRowId value) => value = ids[slot.Current];
    }

    public override bool IsColumnActive(DataViewSchema.Column column)
    {
        int source = _mapper.SourceOf(column);
        return source >= 0 ? _buffers[column.Index] is not null : _active[column.Index];
    }

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        int source = _mapper.SourceOf(column);
        Delegate getter = source >= 0
            ? _buffers[column.Index]?.Getter ?? throw NotActive(column)
            : !_active[column.Index] ? throw NotActive(column)
            : _mapper.Roles[~source] switch
            {
                BertOutput.Embedding => EmbeddingGetter(),
                BertOutput.TruncatedTokens => CountGetter(_dropped),
                _ => CountGetter(_tokens),
            };
        return getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
            $"Column '{column.Name}' has type {column.Type}; a getter of {typeof(TValue).Name} was requested.");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _input.Dispose();
        }

        base.Dispose(disposing);
    }

    private bool FillWindow()
    {
        _rows.Clear();
        _count = 0;
        var tokenizer = _mapper.Owner.Tokenizer;
        while (_count < _window && !_inputDone)
        {
            _cancellation.ThrowIfCancellationRequested();
            if (!_input.MoveNext())
            {
                _inputDone = true;
                break;
            }

            var (text, second) = _read();
            int first = _rows.SequenceCount;
            tokenizer.Tokenize(text, second, _rows);
            _dropped[_count] = _rows.DroppedTokens(_count);
            _tokens[_count] = BertColumnMapper.TokenCount(_rows, first);
            _inputId(ref _ids[_count]);
            _batches[_count] = _input.Batch;
            foreach (var buffer in _buffers)
            {
                buffer?.Read(_count);
            }

            _count++;
        }

        if (_count > 0 && _score)
        {
            _mapper.Owner.Batcher.Score(_rows, _embeddings, _cancellation);
        }
        else if (_count > 0)
        {
            // Count columns only: nothing runs, but a window after Dispose fails like scoring does.
            _mapper.Owner.Session.ThrowIfDisposed();
        }

        return _count > 0;
    }

    private ValueGetter<VBuffer<float>> EmbeddingGetter()
    {
        int dimension = _mapper.Owner.Dimension;
        var embeddings = _embeddings;
        var slot = _slot;
        return (ref VBuffer<float> value) =>
        {
            var editor = VBufferEditor.Create(ref value, dimension);
            embeddings.AsSpan(slot.Current * dimension, dimension).CopyTo(editor.Values);
            value = editor.Commit();
        };
    }

    private ValueGetter<int> CountGetter(int[] counts)
    {
        var slot = _slot;
        return (ref int value) => value = counts[slot.Current];
    }

    private static InvalidOperationException NotActive(DataViewSchema.Column column) =>
        new($"Column '{column.Name}' is not active on this cursor; request it when creating the cursor.");
}

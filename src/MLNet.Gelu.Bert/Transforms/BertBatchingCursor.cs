using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Gelu.Bert;

/// <summary>
/// The batching cursor: reads a window of input rows ahead (until it holds <see cref="BertScoringOptions.WindowTokens"/>
/// tokens or <see cref="BertScoringOptions.WindowSize"/> rows), tokenizes them and scores them together (the batcher sorts
/// by length and cuts the cheapest runs under the token budget), then serves the rows in input order. The input cursor
/// has moved on by then, so every active pass-through column, the row ids and the input cursor's batch numbers are
/// buffered per window. The buffers grow (doubling) to the largest window the cursor has read, never beyond the row cap;
/// serving a row allocates nothing.
/// </summary>
internal sealed class BertBatchingCursor : DataViewRowCursor
{
    /// <summary>The rows a cursor's buffers hold before they first grow.</summary>
    internal const int InitialCapacity = 64;

    private readonly DataViewRowCursor _input;
    private readonly BertColumnMapper _mapper;
    private readonly bool[] _active;
    private readonly int _window;
    private readonly int _windowTokens;
    private readonly bool _score;
    private readonly CancellationToken _cancellation;
    private readonly WindowSlot _slot = new();
    private readonly Func<(string Text, string? Second)> _read;
    private readonly ColumnBuffer?[] _buffers;
    private readonly ValueGetter<DataViewRowId> _inputId;
    private readonly int _dimension;
    private DataViewRowId[] _ids;
    private long[] _batches;
    private int[] _dropped;
    private int[] _tokens;
    private float[] _embeddings;
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
        _windowTokens = owner.Options.WindowTokens;
        _cancellation = mapper.Cancellation;
        Schema = mapper.OutputSchema;
        _read = mapper.TextReader(input);
        _inputId = input.GetIdGetter();
        int capacity = Math.Min(_window, InitialCapacity);
        _ids = new DataViewRowId[capacity];
        _batches = new long[capacity];
        _dropped = new int[capacity];
        _tokens = new int[capacity];
        _slot.Current = -1;

        _buffers = new ColumnBuffer?[Schema.Count];
        for (int i = 0; i < Schema.Count; i++)
        {
            int source = mapper.SourceOf(Schema[i]);
            if (source >= 0 && input.IsColumnActive(input.Schema[source]))
            {
                _buffers[i] = ColumnBuffer.Create(input, input.Schema[source], capacity, _slot);
            }
            else if (source < 0 && active[i] && mapper.Roles[~source] == BertOutput.Embedding)
            {
                _score = true;
            }
        }

        _dimension = owner.Dimension;
        _embeddings = _score ? new float[capacity * _dimension] : [];
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

    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = _ids[_slot.Current];

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
                BertOutput.TruncatedTokens => (ValueGetter<int>)((ref int value) => value = _dropped[_slot.Current]),
                _ => (ValueGetter<int>)((ref int value) => value = _tokens[_slot.Current]),
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
        long windowTokens = 0;
        while (_count < _window && windowTokens < _windowTokens && !_inputDone)
        {
            _cancellation.ThrowIfCancellationRequested();
            if (!_input.MoveNext())
            {
                _inputDone = true;
                break;
            }

            if (_count == _ids.Length)
            {
                Grow();
            }

            var (text, second) = _read();
            int first = _rows.SequenceCount;
            tokenizer.Tokenize(text, second, _rows);
            _dropped[_count] = _rows.DroppedTokens(_count);
            _tokens[_count] = _rows.TokenCount(first);
            windowTokens += _tokens[_count];
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

    /// <summary>Doubles every per-row buffer, up to the window's row cap.</summary>
    private void Grow()
    {
        int capacity = (int)Math.Min(_window, 2L * _ids.Length);
        Array.Resize(ref _ids, capacity);
        Array.Resize(ref _batches, capacity);
        Array.Resize(ref _dropped, capacity);
        Array.Resize(ref _tokens, capacity);
        if (_score)
        {
            Array.Resize(ref _embeddings, capacity * _dimension);
        }

        foreach (var buffer in _buffers)
        {
            buffer?.Grow(capacity);
        }
    }

    private ValueGetter<VBuffer<float>> EmbeddingGetter() => (ref VBuffer<float> value) =>
    {
        var editor = VBufferEditor.Create(ref value, _dimension);
        _embeddings.AsSpan(_slot.Current * _dimension, _dimension).CopyTo(editor.Values);
        value = editor.Commit();
    };

    private static InvalidOperationException NotActive(DataViewSchema.Column column) =>
        new($"Column '{column.Name}' is not active on this cursor; request it when creating the cursor.");
}

using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.RowMapping;

namespace MLNet.Gelu.Bert;

/// <summary>
/// A cursor that reads a window of input rows ahead (until it holds <c>windowTokens</c> tokens or <c>windowRows</c> rows),
/// lets a subclass compute the window's added columns at once (<see cref="ReadRow"/> per row, then <see cref="ComputeWindow"/>),
/// and serves the rows in input order. The input cursor has moved on by then, so every active pass-through column, the
/// row ids and the input cursor's batch numbers are buffered per window. The buffers grow (doubling) to the largest window
/// the cursor has read, never beyond the row cap; serving a row allocates nothing.
/// </summary>
internal abstract class WindowCursor : DataViewRowCursor
{
    /// <summary>The rows a cursor's buffers hold before they first grow.</summary>
    internal const int InitialCapacity = 64;

    private readonly DataViewRowCursor _input;
    private readonly ColumnMapper _mapper;
    private readonly bool[] _active;
    private readonly int _windowRows;
    private readonly int _windowTokens;
    private readonly CancellationToken _cancellation;
    private readonly WindowSlot _slot = new();
    private readonly ColumnBuffer?[] _buffers;
    private readonly ValueGetter<DataViewRowId> _inputId;
    private DataViewRowId[] _ids;
    private long[] _batches;
    private int _count;
    private long _position = -1;
    private bool _inputDone;

    /// <param name="mapper">The binding whose output this cursor serves.</param>
    /// <param name="input">The input cursor (owned: disposed with this cursor).</param>
    /// <param name="active">Which output columns are active.</param>
    /// <param name="windowRows">The most rows a window holds.</param>
    /// <param name="windowTokens">The tokens after which a window stops reading.</param>
    /// <param name="cancellation">Checked before each input row is read.</param>
    protected WindowCursor(ColumnMapper mapper, DataViewRowCursor input, bool[] active, int windowRows, int windowTokens, CancellationToken cancellation)
    {
        _mapper = mapper;
        _input = input;
        _active = active;
        _windowRows = windowRows;
        _windowTokens = windowTokens;
        _cancellation = cancellation;
        Schema = mapper.OutputSchema;
        _inputId = input.GetIdGetter();
        Capacity = Math.Min(windowRows, InitialCapacity);
        _ids = new DataViewRowId[Capacity];
        _batches = new long[Capacity];
        _slot.Current = -1;

        _buffers = new ColumnBuffer?[Schema.Count];
        for (int i = 0; i < Schema.Count; i++)
        {
            int source = mapper.SourceOf(Schema[i]);
            if (source >= 0 && input.IsColumnActive(input.Schema[source]))
            {
                _buffers[i] = ColumnBuffer.Create(input, input.Schema[source], Capacity, _slot);
            }
        }
    }

    public sealed override DataViewSchema Schema { get; }

    public sealed override long Position => _position;

    /// <summary>The input cursor's batch number when it was on the row served now (it has read up to a window further since).</summary>
    public sealed override long Batch => _slot.Current >= 0 ? _batches[_slot.Current] : _input.Batch;

    /// <summary>The rows every per-row buffer holds now (subclasses size theirs to it, and grow in <see cref="GrowRows"/>).</summary>
    protected int Capacity { get; private set; }

    /// <summary>The window slot of the row served now.</summary>
    protected int Current => _slot.Current;

    /// <summary>The input cursor, on the row being read during <see cref="ReadRow"/>.</summary>
    protected DataViewRowCursor Input => _input;

    public sealed override bool MoveNext()
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

    public sealed override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = _ids[_slot.Current];

    public sealed override bool IsColumnActive(DataViewSchema.Column column)
    {
        int source = _mapper.SourceOf(column);
        return source >= 0 ? _buffers[column.Index] is not null : _active[column.Index];
    }

    public sealed override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        int source = _mapper.SourceOf(column);
        Delegate getter = source >= 0
            ? _buffers[column.Index]?.Getter ?? throw NotActive(column)
            : !_active[column.Index] ? throw NotActive(column)
            : AddedGetter(~source);
        return getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
            $"Column '{column.Name}' has type {column.Type}; a getter of {typeof(TValue).Name} was requested.");
    }

    /// <summary>Starts a window: forget the previous one.</summary>
    protected abstract void BeginWindow();

    /// <summary>Reads the input's current row into window slot <paramref name="index"/>; returns its tokens (counted against the window's budget).</summary>
    protected abstract int ReadRow(int index);

    /// <summary>Computes the added columns of the <paramref name="count"/> rows (at least one) read since <see cref="BeginWindow"/>.</summary>
    protected abstract void ComputeWindow(int count);

    /// <summary>Makes room in the subclass's per-row buffers for <paramref name="capacity"/> rows, keeping the values held.</summary>
    protected abstract void GrowRows(int capacity);

    /// <summary>The getter of added column <paramref name="added"/> (active), serving the window slot <see cref="Current"/>.</summary>
    protected abstract Delegate AddedGetter(int added);

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
        BeginWindow();
        _count = 0;
        long windowTokens = 0;
        while (_count < _windowRows && windowTokens < _windowTokens && !_inputDone)
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

            windowTokens += ReadRow(_count);
            _inputId(ref _ids[_count]);
            _batches[_count] = _input.Batch;
            foreach (var buffer in _buffers)
            {
                buffer?.Read(_count);
            }

            _count++;
        }

        if (_count > 0)
        {
            ComputeWindow(_count);
        }

        return _count > 0;
    }

    /// <summary>Doubles every per-row buffer, up to the window's row cap.</summary>
    private void Grow()
    {
        Capacity = (int)Math.Min(_windowRows, 2L * _ids.Length);
        Array.Resize(ref _ids, Capacity);
        Array.Resize(ref _batches, Capacity);
        GrowRows(Capacity);
        foreach (var buffer in _buffers)
        {
            buffer?.Grow(Capacity);
        }
    }

    private static InvalidOperationException NotActive(DataViewSchema.Column column) =>
        new($"Column '{column.Name}' is not active on this cursor; request it when creating the cursor.");
}

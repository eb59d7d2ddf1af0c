using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Gelu.Bert.Tests.Support;

/// <summary>
/// A one-column (<c>Text</c>) <see cref="IDataView"/> whose rows are computed when a cursor reaches them: nothing is
/// held, so a pass over a million rows keeps no row. Each cursor reports the batch number
/// <c>position / RowsPerBatch</c> and the row id <c>position</c>, so that a cursor built on it can be checked for
/// reporting the batch and id of the row it serves.
/// </summary>
internal sealed class GeneratedTexts(long rowCount, Func<long, string> text, int rowsPerBatch = int.MaxValue) : IDataView
{
    /// <summary>Called with each row's position as a cursor moves onto it (before its text is read).</summary>
    public Action<long>? OnRow { get; init; }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; } = BuildSchema();

    public long? GetRowCount() => rowCount;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(this)];

    private static DataViewSchema BuildSchema()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Text", TextDataViewType.Instance);
        return builder.ToSchema();
    }

    private sealed class Cursor(GeneratedTexts view) : DataViewRowCursor
    {
        private long _position = -1;

        public override DataViewSchema Schema => view.Schema;

        public override long Position => _position;

        public override long Batch => _position < 0 ? 0 : _position / view.RowsPerBatch;

        public override bool MoveNext()
        {
            if (_position + 1 >= view.GetRowCount())
            {
                return false;
            }

            _position++;
            view.OnRow?.Invoke(_position);
            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            ValueGetter<ReadOnlyMemory<char>> getter = (ref ReadOnlyMemory<char> value) => value = view.TextAt(_position).AsMemory();
            return getter as ValueGetter<TValue> ?? throw new InvalidOperationException($"Column '{column.Name}' is text, not {typeof(TValue).Name}.");
        }
    }

    /// <summary>Rows per batch number reported by the cursors.</summary>
    public int RowsPerBatch => rowsPerBatch;

    private string TextAt(long position) => text(position);
}

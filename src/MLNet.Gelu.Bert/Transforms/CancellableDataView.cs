using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Gelu.Bert;

/// <summary>
/// A view of another <see cref="IDataView"/> whose cursors throw <see cref="OperationCanceledException"/> from
/// <see cref="DataViewRowCursor.MoveNext"/> once a token fires; everything else is the source's. Created by
/// <see cref="BertScoringCatalog.WithCancellation"/>. The token belongs to this view only: the source, and every view
/// or model built on it, is untouched.
/// </summary>
internal sealed class CancellableDataView(IDataView source, CancellationToken cancellation) : IDataView
{
    public bool CanShuffle => source.CanShuffle;

    public DataViewSchema Schema => source.Schema;

    public long? GetRowCount() => source.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(source.GetRowCursor(columnsNeeded, rand), cancellation);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [.. source.GetRowCursorSet(columnsNeeded, n, rand).Select(cursor => new Cursor(cursor, cancellation))];

    private sealed class Cursor(DataViewRowCursor input, CancellationToken cancellation) : DataViewRowCursor
    {
        public override DataViewSchema Schema => input.Schema;

        public override long Position => input.Position;

        public override long Batch => input.Batch;

        public override bool MoveNext()
        {
            cancellation.ThrowIfCancellationRequested();
            return input.MoveNext();
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => input.IsColumnActive(column);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => input.GetGetter<TValue>(column);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                input.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

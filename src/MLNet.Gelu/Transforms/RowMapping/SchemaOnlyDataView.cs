using Microsoft.ML;

namespace MLNet.Gelu.RowMapping;

/// <summary>An empty data view with a given schema: enough to fit a built-in estimator that only reads the schema.</summary>
internal sealed class SchemaOnlyDataView(DataViewSchema schema) : IDataView
{
    public bool CanShuffle => false;

    public DataViewSchema Schema { get; } = schema;

    public long? GetRowCount() => 0;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        throw new InvalidOperationException("This data view only carries a schema; it has no rows to read.");

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        throw new InvalidOperationException("This data view only carries a schema; it has no rows to read.");
}

using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Gelu.RowMapping;

/// <summary>A cursor that moves an input cursor and maps each row; getters are created once per cursor.</summary>
internal sealed class MappedRowCursor : DataViewRowCursor
{
    private readonly DataViewRowCursor _input;
    private readonly MappedColumns _columns;

    internal MappedRowCursor(ColumnMapper mapper, DataViewRowCursor input, bool[] active)
    {
        _input = input;
        Schema = mapper.OutputSchema;
        _columns = new MappedColumns(mapper, input, active);
    }

    public override DataViewSchema Schema { get; }

    public override long Position => _input.Position;

    public override long Batch => _input.Batch;

    public override bool MoveNext() => _input.MoveNext();

    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column) => _columns.IsColumnActive(column);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _columns.GetGetter<TValue>(column);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _input.Dispose();
        }

        base.Dispose(disposing);
    }
}

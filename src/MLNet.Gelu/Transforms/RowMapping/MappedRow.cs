using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Gelu.RowMapping;

/// <summary>A mapped view of one input row (<see cref="IRowToRowMapper.GetRow"/>, used by prediction engines).</summary>
internal sealed class MappedRow : DataViewRow
{
    private readonly DataViewRow _input;
    private readonly MappedColumns _columns;

    internal MappedRow(ColumnMapper mapper, DataViewRow input, bool[] active)
    {
        _input = input;
        Schema = mapper.OutputSchema;
        _columns = new MappedColumns(mapper, input, active);
    }

    public override DataViewSchema Schema { get; }

    public override long Position => _input.Position;

    public override long Batch => _input.Batch;

    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column) => _columns.IsColumnActive(column);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _columns.GetGetter<TValue>(column);
}

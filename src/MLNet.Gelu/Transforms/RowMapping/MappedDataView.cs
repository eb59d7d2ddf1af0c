using Microsoft.ML;

namespace MLNet.Gelu.RowMapping;

/// <summary>The lazy result of applying a <see cref="ColumnMapper"/> to a data view; supports cursor sets.</summary>
internal sealed class MappedDataView : IDataView
{
    private readonly IDataView _input;
    private readonly ColumnMapper _mapper;

    internal MappedDataView(IDataView input, ColumnMapper mapper)
    {
        _input = input;
        _mapper = mapper;
    }

    public bool CanShuffle => _input.CanShuffle;

    public DataViewSchema Schema => _mapper.OutputSchema;

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var (active, dependencies) = Plan(columnsNeeded);
        return _mapper.CreateCursor(_input.GetRowCursor(dependencies, rand), active);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        var (active, dependencies) = Plan(columnsNeeded);
        var inputs = _input.GetRowCursorSet(dependencies, n, rand);
        var cursors = new DataViewRowCursor[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            cursors[i] = _mapper.CreateCursor(inputs[i], (bool[])active.Clone());
        }

        return cursors;
    }

    private (bool[] Active, DataViewSchema.Column[] Dependencies) Plan(IEnumerable<DataViewSchema.Column> columnsNeeded)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var columns = columnsNeeded as ICollection<DataViewSchema.Column> ?? columnsNeeded.ToArray();
        var needed = _mapper.InputFlags(columns);
        var dependencies = _input.Schema.Where(c => needed[c.Index]).ToArray();
        return (_mapper.ActiveFlags(columns), dependencies);
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Gelu.RowMapping;

/// <summary>The getters of one mapped row or cursor: pass-through columns forward to the input, added ones are created once.</summary>
internal sealed class MappedColumns
{
    private readonly ColumnMapper _mapper;
    private readonly DataViewRow _input;
    private readonly bool[] _active;
    private readonly Delegate?[] _getters;

    internal MappedColumns(ColumnMapper mapper, DataViewRow input, bool[] active)
    {
        _mapper = mapper;
        _input = input;
        _active = active;
        _getters = new Delegate?[mapper.AddedColumnCount];
        for (int i = 0; i < active.Length; i++)
        {
            int source = mapper.SourceOf(mapper.OutputSchema[i]);
            if (active[i] && source < 0)
            {
                _getters[~source] = mapper.MakeGetter(input, ~source);
            }
        }
    }

    internal bool IsColumnActive(DataViewSchema.Column column)
    {
        int source = _mapper.SourceOf(column);
        return source >= 0 ? _input.IsColumnActive(_input.Schema[source]) : _active[column.Index];
    }

    internal ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        int source = _mapper.SourceOf(column);
        if (source >= 0)
        {
            return _input.GetGetter<TValue>(_input.Schema[source]);
        }

        var getter = _getters[~source];
        if (getter is null)
        {
            throw new InvalidOperationException($"Column '{column.Name}' is not active on this row; request it when creating the cursor.");
        }

        return getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
            $"Column '{column.Name}' has type {_mapper.OutputSchema[column.Index].Type}; a getter of {typeof(TValue).Name} was requested.");
    }
}

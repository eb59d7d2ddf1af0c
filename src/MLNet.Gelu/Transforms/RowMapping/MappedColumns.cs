using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Gelu.Transforms.RowMapping;

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
        int passThrough = mapper.InputSchema.Count;
        _getters = new Delegate?[mapper.AddedColumnCount];
        for (int i = 0; i < _getters.Length; i++)
        {
            if (active[passThrough + i])
            {
                _getters[i] = mapper.MakeGetter(input, i);
            }
        }
    }

    internal bool IsColumnActive(DataViewSchema.Column column)
    {
        int passThrough = _mapper.InputSchema.Count;
        return column.Index < passThrough
            ? _input.IsColumnActive(_input.Schema[column.Index])
            : _active[column.Index];
    }

    internal ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        int passThrough = _mapper.InputSchema.Count;
        if (column.Index < passThrough)
        {
            return _input.GetGetter<TValue>(_input.Schema[column.Index]);
        }

        var getter = column.Index < _active.Length ? _getters[column.Index - passThrough] : null;
        if (getter is null)
        {
            throw new InvalidOperationException($"Column '{column.Name}' is not active on this row; request it when creating the cursor.");
        }

        return getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
            $"Column '{column.Name}' has type {_mapper.OutputSchema[column.Index].Type}; a getter of {typeof(TValue).Name} was requested.");
    }
}

using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Holds one input column's values for a window of rows, so that a cursor which reads ahead can still serve the
/// pass-through columns of the row it is on. One typed buffer per column, created once per cursor.
/// </summary>
internal abstract class ColumnBuffer
{
    /// <summary>Creates the buffer for <paramref name="column"/> of <paramref name="input"/>, sized for <paramref name="capacity"/> rows.</summary>
    internal static ColumnBuffer Create(DataViewRow input, DataViewSchema.Column column, int capacity, WindowSlot slot)
    {
        var type = column.Type is VectorDataViewType vector
            ? typeof(VectorColumnBuffer<>).MakeGenericType(vector.ItemType.RawType)
            : typeof(ScalarColumnBuffer<>).MakeGenericType(column.Type.RawType);
        return (ColumnBuffer)Activator.CreateInstance(
            type, BindingFlags.Instance | BindingFlags.NonPublic, binder: null, [input, column, capacity, slot], culture: null)!;
    }

    /// <summary>Copies the input's current value into window slot <paramref name="index"/>.</summary>
    internal abstract void Read(int index);

    /// <summary>Makes room for <paramref name="capacity"/> rows, keeping the values held.</summary>
    internal abstract void Grow(int capacity);

    /// <summary>A <see cref="ValueGetter{TValue}"/> that serves the value of the window slot the cursor is on.</summary>
    internal abstract Delegate Getter { get; }
}

/// <summary>The window slot a batching cursor is serving (shared by its column buffers' getters).</summary>
internal sealed class WindowSlot
{
    /// <summary>The index of the current row in the window.</summary>
    internal int Current { get; set; }
}

/// <summary>A buffer of scalar values (numbers, booleans, keys, text, dates): copied by assignment.</summary>
internal sealed class ScalarColumnBuffer<T> : ColumnBuffer
{
    private readonly ValueGetter<T> _source;
    private T[] _values;

    private ScalarColumnBuffer(DataViewRow input, DataViewSchema.Column column, int capacity, WindowSlot slot)
    {
        _source = input.GetGetter<T>(column);
        _values = new T[capacity];
        Getter = (ValueGetter<T>)((ref T value) => value = _values[slot.Current]);
    }

    internal override Delegate Getter { get; }

    internal override void Read(int index) => _source(ref _values[index]);

    internal override void Grow(int capacity) => Array.Resize(ref _values, capacity);
}

/// <summary>A buffer of vectors: each value is copied into the slot's own buffers (the source may reuse its arrays).</summary>
internal sealed class VectorColumnBuffer<T> : ColumnBuffer
{
    private readonly ValueGetter<VBuffer<T>> _source;
    private VBuffer<T>[] _values;
    private VBuffer<T> _scratch;

    private VectorColumnBuffer(DataViewRow input, DataViewSchema.Column column, int capacity, WindowSlot slot)
    {
        _source = input.GetGetter<VBuffer<T>>(column);
        _values = new VBuffer<T>[capacity];
        Getter = (ValueGetter<VBuffer<T>>)((ref VBuffer<T> value) => _values[slot.Current].CopyTo(ref value));
    }

    internal override Delegate Getter { get; }

    internal override void Grow(int capacity) => Array.Resize(ref _values, capacity);

    internal override void Read(int index)
    {
        _source(ref _scratch);
        _scratch.CopyTo(ref _values[index]);
    }
}

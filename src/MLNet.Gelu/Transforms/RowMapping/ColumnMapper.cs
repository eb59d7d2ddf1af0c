using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Gelu.Transforms.RowMapping;

/// <summary>
/// A row-to-row mapper bound to one input schema: every input column passes through unchanged (same index, same
/// getter) and the columns a subclass computes are appended after them, shadowing input columns of the same name.
/// </summary>
/// <remarks>
/// This is the shared plumbing for the library's transformers (ML.NET keeps its own bases' constructors
/// <c>private protected</c>). A public transformer implements <see cref="ITransformer"/> and forwards to a mapper:
/// <c>GetOutputSchema(s) =&gt; Bind(s).OutputSchema</c>, <c>GetRowToRowMapper(s) =&gt; Bind(s)</c>,
/// <c>Transform(d) =&gt; Bind(d.Schema).Transform(d)</c>. A subclass says which input columns each computed column
/// reads (<see cref="GetInputColumns"/>) and creates its getters once per row or cursor (<see cref="CreateGetter"/>);
/// a transform that must read ahead (batching) overrides <see cref="CreateCursor"/>.
/// </remarks>
internal abstract class ColumnMapper : IRowToRowMapper
{
    /// <summary>Binds the mapper: output schema = the input schema's columns, then <paramref name="addedColumns"/>.</summary>
    protected ColumnMapper(DataViewSchema inputSchema, IReadOnlyList<DataViewSchema.DetachedColumn> addedColumns)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentNullException.ThrowIfNull(addedColumns);
        InputSchema = inputSchema;
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        foreach (var column in addedColumns)
        {
            builder.AddColumn(column.Name, column.Type, column.Annotations);
        }

        OutputSchema = builder.ToSchema();
        AddedColumnCount = addedColumns.Count;
    }

    /// <inheritdoc/>
    public DataViewSchema InputSchema { get; }

    /// <inheritdoc/>
    public DataViewSchema OutputSchema { get; }

    /// <summary>How many computed columns follow the pass-through columns in <see cref="OutputSchema"/>.</summary>
    internal int AddedColumnCount { get; }

    /// <summary>The input column indices that computed column <paramref name="added"/> (0-based among the added columns) reads.</summary>
    protected abstract IEnumerable<int> GetInputColumns(int added);

    /// <summary>
    /// Creates the getter (a <see cref="ValueGetter{TValue}"/> of the column's type) of computed column
    /// <paramref name="added"/> over <paramref name="input"/>, a row of <see cref="InputSchema"/>. Called once per row
    /// object or cursor: allocate buffers here, not in the getter.
    /// </summary>
    protected abstract Delegate CreateGetter(DataViewRow input, int added);

    /// <summary>Wraps an input cursor; override to read ahead (for example to batch rows).</summary>
    /// <param name="input">A cursor over the input, with the dependencies of the active columns active.</param>
    /// <param name="active">Which output columns are active, indexed like <see cref="OutputSchema"/>.</param>
    protected internal virtual DataViewRowCursor CreateCursor(DataViewRowCursor input, bool[] active) =>
        new MappedRowCursor(this, input, active);

    /// <summary>Applies the mapper lazily to <paramref name="input"/>, whose schema must be <see cref="InputSchema"/>.</summary>
    internal IDataView Transform(IDataView input) => new MappedDataView(input, this);

    /// <inheritdoc/>
    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        ArgumentNullException.ThrowIfNull(dependingColumns);
        var needed = InputFlags(dependingColumns);
        return InputSchema.Where(c => needed[c.Index]).ToArray();
    }

    /// <inheritdoc/>
    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(activeColumns);
        return new MappedRow(this, input, ActiveFlags(activeColumns));
    }

    /// <summary>Creates the getter of an added column after checking its dependencies are active on <paramref name="input"/>.</summary>
    internal Delegate MakeGetter(DataViewRow input, int added)
    {
        foreach (int index in GetInputColumns(added))
        {
            if (!input.IsColumnActive(input.Schema[index]))
            {
                throw new InvalidOperationException(
                    $"Column '{OutputSchema[InputSchema.Count + added].Name}' reads input column '{InputSchema[index].Name}', which is not active on the input row.");
            }
        }

        return CreateGetter(input, added);
    }

    /// <summary>Output-column flags for <paramref name="columns"/> (columns of <see cref="OutputSchema"/>).</summary>
    internal bool[] ActiveFlags(IEnumerable<DataViewSchema.Column> columns)
    {
        var active = new bool[OutputSchema.Count];
        foreach (var column in columns)
        {
            CheckOutputColumn(column);
            active[column.Index] = true;
        }

        return active;
    }

    /// <summary>Input-column flags needed to compute <paramref name="columns"/> (columns of <see cref="OutputSchema"/>).</summary>
    internal bool[] InputFlags(IEnumerable<DataViewSchema.Column> columns)
    {
        var needed = new bool[InputSchema.Count];
        foreach (var column in columns)
        {
            CheckOutputColumn(column);
            if (column.Index < InputSchema.Count)
            {
                needed[column.Index] = true;
            }
            else
            {
                foreach (int index in GetInputColumns(column.Index - InputSchema.Count))
                {
                    needed[index] = true;
                }
            }
        }

        return needed;
    }

    private void CheckOutputColumn(DataViewSchema.Column column)
    {
        if (column.Index < 0 || column.Index >= OutputSchema.Count || OutputSchema[column.Index].Name != column.Name)
        {
            throw new ArgumentOutOfRangeException(
                nameof(column), column.Name, $"Column '{column.Name}' (index {column.Index}) is not a column of this transform's output schema.");
        }
    }
}

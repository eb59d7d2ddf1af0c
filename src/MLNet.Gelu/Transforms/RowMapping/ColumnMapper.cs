using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Gelu.RowMapping;

/// <summary>
/// A row-to-row mapper bound to one input schema: every input column passes through unchanged (same getter) and the
/// columns a subclass computes are added as ML.NET's own transformers add them, hiding input columns of the same name.
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
    /// <summary>
    /// Binds the mapper. The output schema follows ML.NET's convention: the input columns in order, each added column
    /// that reuses an existing name placed right after the column it hides, other added columns appended in order.
    /// </summary>
    protected ColumnMapper(DataViewSchema inputSchema, IReadOnlyList<DataViewSchema.DetachedColumn> addedColumns)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentNullException.ThrowIfNull(addedColumns);
        InputSchema = inputSchema;

        var sources = Enumerable.Range(0, inputSchema.Count).ToList();
        var names = new HashSet<string>(inputSchema.Select(c => c.Name), StringComparer.Ordinal);
        string NameAt(int source) => source >= 0 ? inputSchema[source].Name : addedColumns[~source].Name;
        for (int k = 0; k < addedColumns.Count; k++)
        {
            string name = addedColumns[k].Name;
            int position = names.Add(name) ? sources.Count : sources.FindLastIndex(s => NameAt(s) == name) + 1;
            sources.Insert(position, ~k);
        }

        _sources = [.. sources];
        _addedPositions = new int[addedColumns.Count];
        var builder = new DataViewSchema.Builder();
        for (int i = 0; i < _sources.Length; i++)
        {
            if (_sources[i] >= 0)
            {
                var column = inputSchema[_sources[i]];
                builder.AddColumn(column.Name, column.Type, column.Annotations);
            }
            else
            {
                var column = addedColumns[~_sources[i]];
                _addedPositions[~_sources[i]] = i;
                builder.AddColumn(column.Name, column.Type, column.Annotations);
            }
        }

        OutputSchema = builder.ToSchema();
    }

    /// <inheritdoc/>
    public DataViewSchema InputSchema { get; }

    /// <inheritdoc/>
    public DataViewSchema OutputSchema { get; }

    // For each output column: the input column it passes through (>= 0), or ~k for added column k.
    private readonly int[] _sources;
    private readonly int[] _addedPositions;

    /// <summary>How many computed columns <see cref="OutputSchema"/> holds besides the pass-through ones.</summary>
    internal int AddedColumnCount => _addedPositions.Length;

    /// <summary>The input column index that output column <paramref name="column"/> passes through, or ~k when it is added column k.</summary>
    internal int SourceOf(DataViewSchema.Column column)
    {
        CheckOutputColumn(column);
        return _sources[column.Index];
    }

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
                    $"Column '{OutputSchema[_addedPositions[added]].Name}' reads input column '{InputSchema[index].Name}', which is not active on the input row.");
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
            int source = _sources[column.Index];
            if (source >= 0)
            {
                needed[source] = true;
            }
            else
            {
                foreach (int index in GetInputColumns(~source))
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

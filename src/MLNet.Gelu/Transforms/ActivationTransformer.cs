using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Persistence;

namespace MLNet.Gelu;

/// <summary>
/// Applies an <see cref="Activation"/> element-wise to Single or vector-of-Single columns; every input column passes
/// through. Created by <see cref="ActivationEstimator.Fit(IDataView)"/> (see <see cref="GeluCatalog"/>).
/// </summary>
/// <remarks>
/// <para>
/// Each output column has its input's type and size (a known-size vector stays that size, a variable-size one stays
/// variable) and keeps the input's slot names. Sparse vectors stay sparse: every activation maps 0 to 0, so only
/// the stored values are computed. Values are computed by <see cref="Activations.Apply(Activation, ReadOnlySpan{float}, Span{float})"/>.
/// </para>
/// <para>
/// Thread safety: the transformer is immutable and may be shared; cursors, rows and prediction engines created from
/// it are not thread-safe (one per thread, or a pool of engines).
/// </para>
/// <para>
/// Saving: <c>mlContext.Model.Save</c> writes this transformer as equivalent built-in Expression transforms, so
/// <c>mlContext.Model.Load</c> works in any app without this library (outputs within 1e‑6 relative).
/// <see cref="GeluModelOperations.SaveWithActivations(ModelOperationsCatalog, ITransformer, DataViewSchema?, string)"/>
/// also records what it saved, and <see cref="GeluModelOperations.LoadWithActivations(ModelOperationsCatalog, string, out DataViewSchema)"/>
/// restores this transformer (bit-identical outputs).
/// </para>
/// </remarks>
public sealed class ActivationTransformer : IArchivedTransformer
{
    private readonly InputOutputColumnPair[] _columns;
    private readonly bool[] _inputIsVector;

    internal ActivationTransformer(Activation activation, InputOutputColumnPair[] columns, bool[] inputIsVector, ITransformer? surrogate = null)
    {
        Activation = activation;
        _columns = columns;
        _inputIsVector = inputIsVector;

        // Built now so that saving cannot fail halfway through writing a model file.
        Surrogate = surrogate ?? ActivationSurrogate.Create(activation, columns, inputIsVector);
    }

    /// <summary>The activation applied to each column.</summary>
    public Activation Activation { get; }

    /// <summary>The output and input column of each mapping, in order.</summary>
    public IReadOnlyList<InputOutputColumnPair> Columns => _columns;

    /// <summary>Always <see langword="true"/>: the transformer maps each row on its own.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>Whether each input column was a vector (<see langword="true"/>) or a scalar when the transformer was fitted.</summary>
    internal IReadOnlyList<bool> InputIsVector => _inputIsVector;

    string IArchivedTransformer.Kind => ActivationRestorer.Kind;

    /// <summary>The built-in transformer this one is saved as.</summary>
    internal ITransformer Surrogate { get; }

    /// <summary>Returns the output schema for <paramref name="inputSchema"/>: its columns, then one column per mapping.</summary>
    /// <param name="inputSchema">The schema of the data to transform.</param>
    /// <returns>The schema of the transformed data.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An input column is missing or is not Single or a vector of Single.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Bind(inputSchema).OutputSchema;

    /// <summary>Returns a row-to-row mapper for <paramref name="inputSchema"/> (used by prediction engines).</summary>
    /// <param name="inputSchema">The schema of the rows to map.</param>
    /// <returns>The mapper.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An input column is missing or is not Single or a vector of Single.</exception>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => Bind(inputSchema);

    /// <summary>Applies the activation lazily: nothing is computed until a cursor reads an output column.</summary>
    /// <param name="input">The data to transform.</param>
    /// <returns>The input's columns followed by the output columns.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An input column is missing or is not Single or a vector of Single.</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Bind(input.Schema).Transform(input);
    }

    /// <summary>Saves the transformer as its built-in equivalent (Expression transforms); see the remarks on <see cref="ActivationTransformer"/>.</summary>
    /// <param name="ctx">The save context ML.NET passes in.</param>
    void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)Surrogate).Save(ctx);

    private ActivationColumnMapper Bind(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return ActivationColumnMapper.Bind(inputSchema, Activation, _columns);
    }

    System.Text.Json.Nodes.JsonObject IArchivedTransformer.Archive(System.IO.Compression.ZipArchive archive, string folder) => ActivationRestorer.Archive(this);
}

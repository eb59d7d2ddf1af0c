using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Persistence;

namespace MLNet.Gelu;

/// <summary>
/// Estimator for <see cref="ActivationTransformer"/>: applies an <see cref="Activation"/> element-wise to Single or
/// vector-of-Single columns. It learns nothing from the data; <see cref="Fit(IDataView)"/> only checks the columns.
/// Create it with <see cref="GeluCatalog.Gelu(TransformsCatalog, string, string?, GeluApproximation)"/> or
/// <see cref="GeluCatalog.ApplyActivation(TransformsCatalog, string, string?, Activation)"/>.
/// </summary>
public sealed class ActivationEstimator : IEstimator<ActivationTransformer>
{
    private readonly Activation _activation;
    private readonly InputOutputColumnPair[] _columns;

    internal ActivationEstimator(Activation activation, InputOutputColumnPair[] columns)
    {
        if (!Enum.IsDefined(activation))
        {
            throw new ArgumentOutOfRangeException(
                nameof(activation), activation, $"Unknown activation. Known: {string.Join(", ", Enum.GetNames<Activation>())}.");
        }

        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Length == 0)
        {
            throw new ArgumentException("Give at least one column pair.", nameof(columns));
        }

        for (int i = 0; i < columns.Length; i++)
        {
            if (columns[i] is null || string.IsNullOrWhiteSpace(columns[i].OutputColumnName) || string.IsNullOrWhiteSpace(columns[i].InputColumnName))
            {
                throw new ArgumentException($"Column pair {i} is null or has an empty column name.", nameof(columns));
            }

            for (int j = 0; j < i; j++)
            {
                if (columns[j].OutputColumnName == columns[i].OutputColumnName)
                {
                    throw new ArgumentException(
                        $"Column pairs {j} and {i} both write column '{columns[i].OutputColumnName}'; the second would hide the first. Give each output its own name.",
                        nameof(columns));
                }

                if (columns[j].OutputColumnName == columns[i].InputColumnName)
                {
                    throw new ArgumentException(
                        $"Column pair {i} reads column '{columns[i].InputColumnName}', which pair {j} writes. Every pair reads the input data; " +
                        "to apply an activation to another activation's output, append a second transform.", nameof(columns));
                }
            }
        }

        _activation = activation;
        _columns = columns;
    }

    /// <summary>Checks the input columns and returns the transformer.</summary>
    /// <param name="input">The data the transformer will be applied to (only its schema is read).</param>
    /// <returns>The fitted <see cref="ActivationTransformer"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An input column is missing or is not Single or a vector of Single; the message names it and its type.</exception>
    public ActivationTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int[] indices = ActivationInputs.Resolve(input.Schema, _columns);
        var isVector = indices.Select(i => input.Schema[i].Type is VectorDataViewType).ToArray();
        return new ActivationTransformer(_activation, _columns, isVector);
    }

    /// <summary>Returns the schema shape after the transform: each output column has its input's shape and slot names.</summary>
    /// <param name="inputSchema">The shape of the input.</param>
    /// <returns>The shape of the output.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An input column is missing or is not Single or a vector of Single; the message names it and its type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ActivationInputs.Check(inputSchema, _columns);
        return ActivationSurrogate.CreateEstimator(_activation, _columns).GetOutputSchema(inputSchema);
    }
}

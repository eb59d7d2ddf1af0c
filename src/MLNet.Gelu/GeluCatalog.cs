using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Gelu;

/// <summary>
/// Catalog methods that add the activation transform to ML.NET: <c>mlContext.Transforms.Gelu(...)</c> and
/// <c>mlContext.Transforms.ApplyActivation(...)</c>.
/// </summary>
public static class GeluCatalog
{
    /// <summary>
    /// Creates an <see cref="ActivationEstimator"/> that applies GELU, exact or approximated, element-wise to the
    /// column <paramref name="inputColumnName"/> and writes the result to <paramref name="outputColumnName"/>.
    /// </summary>
    /// <param name="catalog">The transform catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="outputColumnName">Name of the column produced. It has the input column's type and size.</param>
    /// <param name="inputColumnName">Name of the column to transform; <see langword="null"/> uses <paramref name="outputColumnName"/>
    /// (the column is replaced, the original stays hidden). It must hold Single or a vector of Single.</param>
    /// <param name="approximation">
    /// <see cref="GeluApproximation.None"/> (default): exact <c>x·Φ(x)</c>, computed without the <c>1 + erf</c>
    /// cancellation, relative error a few ulp over the whole range including the negative tail.
    /// <see cref="GeluApproximation.Tanh"/>: the tanh form used by BERT's original code and Hugging Face <c>gelu_new</c>.
    /// <see cref="GeluApproximation.Sigmoid"/>: <c>x·σ(1.702x)</c> (<c>quick_gelu</c>).
    /// </param>
    /// <returns>The estimator; append it to a pipeline and fit it.</returns>
    /// <remarks>
    /// <format type="text/markdown"><![CDATA[
    /// ### Estimator characteristics
    /// |  |  |
    /// | -- | -- |
    /// | Does this estimator need to look at the data to train its parameters? | No |
    /// | Input column data type | `Single`, or a vector of `Single` (known or variable size, dense or sparse) |
    /// | Output column data type | The input column's type and size; slot names are kept; sparse stays sparse (GELU(0) = 0) |
    /// | Exportable to ONNX | No |
    /// | Saved as | Built-in Expression transforms: loads without this library (within 1e-6 relative) |
    ///
    /// The output column shadows any input column of the same name; all other columns pass through.
    /// Rows are computed only when read; cursor sets (parallel reads) are supported and no memory is allocated per row.
    ///
    /// A `PredictionEngine` is not thread-safe and by default disposes its model when it is disposed
    /// (`OwnsTransformer` is true). When several engines share one model (for example an `ObjectPool` of engines,
    /// one per thread), create them with `new PredictionEngineOptions { OwnsTransformer = false }`.
    ///
    /// Save with `mlContext.Model.SaveWithActivations` and load with `mlContext.Model.LoadWithActivations` to get this
    /// transformer back (bit-identical outputs); plain `Model.Save`/`Model.Load` work too and need no reference to
    /// this library. Only load models from trusted sources.
    /// ]]></format>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> or <paramref name="outputColumnName"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="approximation"/> is not defined; or, when the estimator
    /// is fitted or asked for its output schema, the input column is missing or not Single or a vector of Single.</exception>
    /// <example>
    /// <code language="csharp"><![CDATA[
    /// var pipeline = mlContext.Transforms.Concatenate("Features", "A", "B")
    ///     .Append(mlContext.Transforms.Gelu("Hidden", "Features"))
    ///     .Append(mlContext.Transforms.Gelu("Fast", "Features", GeluApproximation.Tanh));
    /// var model = pipeline.Fit(data);
    /// mlContext.Model.SaveWithActivations(model, data.Schema, "model.zip");
    /// ]]></code>
    /// </example>
    public static ActivationEstimator Gelu(
        this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null, GeluApproximation approximation = GeluApproximation.None)
    {
        ArgumentNullException.ThrowIfNull(outputColumnName);
        return Gelu(catalog, [new InputOutputColumnPair(outputColumnName, inputColumnName ?? outputColumnName)], approximation);
    }

    /// <summary>
    /// Creates an <see cref="ActivationEstimator"/> that applies GELU to several columns at once
    /// (same behaviour and remarks as <see cref="Gelu(TransformsCatalog, string, string?, GeluApproximation)"/>).
    /// </summary>
    /// <param name="catalog">The transform catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="columns">Output and input column of each mapping. Every pair reads the input data, so a pair may not
    /// read a column that an earlier pair writes.</param>
    /// <param name="approximation">Which GELU form to compute; see <see cref="GeluApproximation"/>.</param>
    /// <returns>The estimator.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> or <paramref name="columns"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="columns"/> is empty, holds an empty name, two pairs write one column, or a pair reads an earlier pair's output.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="approximation"/> is not defined.</exception>
    public static ActivationEstimator Gelu(this TransformsCatalog catalog, InputOutputColumnPair[] columns, GeluApproximation approximation = GeluApproximation.None)
    {
        var activation = approximation switch
        {
            GeluApproximation.None => Activation.Gelu,
            GeluApproximation.Tanh => Activation.GeluTanh,
            GeluApproximation.Sigmoid => Activation.GeluSigmoid,
            _ => throw new ArgumentOutOfRangeException(nameof(approximation), approximation, "Use None (exact), Tanh or Sigmoid."),
        };
        return ApplyActivation(catalog, columns, activation);
    }

    /// <summary>
    /// Creates an <see cref="ActivationEstimator"/> that applies <paramref name="activation"/> element-wise to the column
    /// <paramref name="inputColumnName"/> and writes the result to <paramref name="outputColumnName"/>.
    /// </summary>
    /// <param name="catalog">The transform catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="outputColumnName">Name of the column produced. It has the input column's type and size.</param>
    /// <param name="inputColumnName">Name of the column to transform; <see langword="null"/> uses <paramref name="outputColumnName"/>.
    /// It must hold Single or a vector of Single.</param>
    /// <param name="activation">The activation; see <see cref="Activation"/> for the formulas. Default: exact GELU.</param>
    /// <returns>The estimator.</returns>
    /// <remarks>
    /// <format type="text/markdown"><![CDATA[
    /// ### Estimator characteristics
    /// |  |  |
    /// | -- | -- |
    /// | Does this estimator need to look at the data to train its parameters? | No |
    /// | Input column data type | `Single`, or a vector of `Single` (known or variable size, dense or sparse) |
    /// | Output column data type | The input column's type and size; slot names are kept; sparse stays sparse (f(0) = 0 for every activation) |
    /// | Exportable to ONNX | No |
    /// | Saved as | Built-in Expression transforms: loads without this library (within 1e-6 relative) |
    ///
    /// See <xref:MLNet.Gelu.GeluCatalog.Gelu*> for threading, prediction engines (`OwnsTransformer`) and saving.
    /// ]]></format>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> or <paramref name="outputColumnName"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="activation"/> is not defined; or, when the estimator
    /// is fitted or asked for its output schema, the input column is missing or not Single or a vector of Single.</exception>
    /// <example>
    /// <code language="csharp"><![CDATA[
    /// var model = mlContext.Transforms.ApplyActivation("Hidden", "Features", Activation.Silu).Fit(data);
    /// ]]></code>
    /// </example>
    public static ActivationEstimator ApplyActivation(
        this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null, Activation activation = Activation.Gelu)
    {
        ArgumentNullException.ThrowIfNull(outputColumnName);
        return ApplyActivation(catalog, [new InputOutputColumnPair(outputColumnName, inputColumnName ?? outputColumnName)], activation);
    }

    /// <summary>
    /// Creates an <see cref="ActivationEstimator"/> that applies <paramref name="activation"/> to several columns at once
    /// (same behaviour as <see cref="ApplyActivation(TransformsCatalog, string, string?, Activation)"/>).
    /// </summary>
    /// <param name="catalog">The transform catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="columns">Output and input column of each mapping. Every pair reads the input data, so a pair may not
    /// read a column that an earlier pair writes.</param>
    /// <param name="activation">The activation; default exact GELU.</param>
    /// <returns>The estimator.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> or <paramref name="columns"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="columns"/> is empty, holds an empty name, two pairs write one column, or a pair reads an earlier pair's output.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="activation"/> is not defined.</exception>
    public static ActivationEstimator ApplyActivation(this TransformsCatalog catalog, InputOutputColumnPair[] columns, Activation activation = Activation.Gelu)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(columns);
        return new ActivationEstimator(activation, (InputOutputColumnPair[])columns.Clone());
    }
}

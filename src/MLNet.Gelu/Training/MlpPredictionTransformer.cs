using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Persistence;

namespace MLNet.Gelu;

/// <summary>
/// What the binary and multiclass MLP prediction transformers share: the trained network, the feature column, scoring
/// through ML.NET's row mapping, and saving (an ONNX stand-in for ML.NET, the parameters for the library's loader).
/// </summary>
/// <remarks>
/// <para>Works wherever ML.NET expects a prediction transformer: <c>Evaluate</c>, <c>CrossValidate</c>,
/// <c>PermutationFeatureImportance</c>, <c>CreatePredictionEngine</c>.</para>
/// <para>Saving (<c>mlContext.Model.Save</c>) writes the network as an ONNX graph behind ML.NET's own prediction head, so
/// plain <c>mlContext.Model.Load</c> returns a working model made of ML.NET built-ins (slower: one ONNX Runtime call per
/// row); <see cref="GeluModelOperations.LoadWithActivations(ModelOperationsCatalog, string, out DataViewSchema)"/> returns
/// this transformer again. Saving needs ONNX Runtime's native library: add the package <c>Microsoft.ML.OnnxRuntime</c>.</para>
/// </remarks>
public abstract class MlpPredictionTransformer : ISingleFeaturePredictionTransformer<MlpModelParameters>, IArchivedTransformer
{
    private readonly MlpScorer _scorer;

    private protected MlpPredictionTransformer(MlpScorer scorer) => _scorer = scorer;

    /// <summary>The trained network: weights, biases, and direct <c>Predict</c>/<c>PredictBatch</c> methods.</summary>
    public MlpModelParameters Model => _scorer.Model;

    /// <summary>The name of the feature column the model reads.</summary>
    public string FeatureColumnName => _scorer.FeatureColumnName;

    /// <summary>The type of the feature column: a vector of <see cref="MlpModelParameters.InputCount"/> Single values.</summary>
    public DataViewType FeatureColumnType => _scorer.FeatureColumnType;

    /// <summary>Always <see langword="true"/>: every row is scored on its own.</summary>
    public bool IsRowToRowMapper => true;

    internal MlpScorer Scorer => _scorer;

    /// <summary>Whether the network separates two classes (Boolean label) rather than K key values.</summary>
    private protected abstract bool IsBinary { get; }

    /// <summary>The schema of <see cref="Transform"/>'s output for <paramref name="inputSchema"/>.</summary>
    /// <param name="inputSchema">A schema holding the feature column.</param>
    /// <returns>The input columns followed by the prediction columns.</returns>
    /// <exception cref="ArgumentException">The feature column is missing or has another type than at training.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _scorer.Bind(inputSchema).OutputSchema;

    /// <summary>A row mapper that adds the prediction columns (used by <c>CreatePredictionEngine</c>).</summary>
    /// <param name="inputSchema">A schema holding the feature column.</param>
    /// <returns>The row mapper.</returns>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _scorer.Bind(inputSchema);

    /// <summary>Scores <paramref name="input"/> lazily: rows are computed as a cursor reads them.</summary>
    /// <param name="input">Data with the feature column.</param>
    /// <returns>The input with the prediction columns added.</returns>
    public IDataView Transform(IDataView input) => _scorer.Transform(input);

    void ICanSaveModel.Save(ModelSaveContext ctx) => _scorer.Save(ctx);

    string IArchivedTransformer.Kind => MlpRestorer.Kind;

    System.Text.Json.Nodes.JsonObject IArchivedTransformer.Archive(ZipArchive archive, string folder) => MlpRestorer.Archive(_scorer, IsBinary, archive, folder);
}

using Microsoft.ML;
using MLNet.Gelu.Bert;

namespace MLNet.Gelu;

/// <summary>Catalog methods that add BERT scoring to ML.NET: <c>mlContext.Transforms.ScoreBert(...)</c>.</summary>
public static class BertScoringCatalog
{
    /// <summary>
    /// Creates a <see cref="BertScoringEstimator"/> that embeds the text column <paramref name="inputColumnName"/> with a BERT
    /// model and writes one vector per row to <paramref name="outputColumnName"/>.
    /// </summary>
    /// <param name="catalog">The transform catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="outputColumnName">Name of the embedding column (<c>Vector&lt;Single, H&gt;</c>, H the model's hidden size).</param>
    /// <param name="inputColumnName">Name of the text column (<c>ReadOnlyMemory&lt;char&gt;</c>, <c>string</c> in your classes). Null text is scored as empty text.</param>
    /// <param name="options">Model, pooling, truncation, batching, execution provider, activation rewrite, extra columns; see <see cref="BertScoringOptions"/>.</param>
    /// <returns>The estimator; fit it to get a transformer, and dispose the transformer when done.</returns>
    /// <remarks>
    /// <format type="text/markdown"><![CDATA[
    /// ### Estimator characteristics
    /// |  |  |
    /// | -- | -- |
    /// | Does this estimator need to look at the data to train its parameters? | No |
    /// | Input column data type | Text (`ReadOnlyMemory<char>`); optionally a second text column for sentence pairs |
    /// | Output column data type | Known-size vector of `Single` (384 for the default all-MiniLM-L6-v2); optionally an `Int32` truncated-tokens column |
    /// | Required NuGet in the app | `Microsoft.ML.OnnxRuntime` (CPU) or `Microsoft.ML.OnnxRuntime.Gpu.Linux` 1.31.0 (CUDA), never both |
    /// | Saved as | Model, vocabulary and options in the zip through `SaveWithActivations`; restored by `LoadWithActivations` |
    ///
    /// Cursors read a window ahead (`WindowTokens` tokens, at most `WindowSize` rows), sort it by token count, run batches under `TokenBudget` and serve rows in
    /// input order: each embedding equals the row scored alone (within 1e-5). A `PredictionEngine` scores one row per
    /// `Predict`; engines on several threads over one model share model runs (see `BertScoringTransformer`). An engine
    /// disposes its model when disposed unless created with `new PredictionEngineOptions { OwnsTransformer = false }`.
    /// Texts longer than the model's limit are truncated (count the dropped word pieces with `TruncatedTokensColumnName`)
    /// or chunked (`LongText = Chunk`). A fallback to the CPU (`FallbackToCpu`) is logged to `Logger`, or without one to
    /// `mlContext.Log` (source `ScoreBert`, a warning); a model loaded by `LoadWithActivations` reports to the loading
    /// context's log. Only load models from trusted sources: ONNX Runtime executes the graph as given.
    /// ]]></format>
    /// </remarks>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A column name is empty, or the options contradict each other (chunking with pairs).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; or, at Fit/GetOutputSchema, an input column is missing or not text.</exception>
    /// <example>
    /// <code language="csharp"><![CDATA[
    /// var data = mlContext.Data.LoadFromEnumerable(new[] { new { Text = "A cat sits." }, new { Text = "A dog runs." } });
    /// using var model = mlContext.Transforms.ScoreBert("Embedding", "Text", new BertScoringOptions()).Fit(data);
    /// var embeddings = mlContext.Data.CreateEnumerable<Row>(model.Transform(data), reuseRowObject: false);
    /// ]]></code>
    /// See samples/QuickStart.
    /// </example>
    public static BertScoringEstimator ScoreBert(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, BertScoringOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new BertScoringEstimator(outputColumnName, inputColumnName, options, MLContextLogger.Of(catalog));
    }

    /// <summary>
    /// Creates a <see cref="BertScoringEstimator"/> that embeds <paramref name="inputColumnName"/> with <paramref name="model"/>
    /// and default options (see <see cref="ScoreBert(TransformsCatalog, string, string, BertScoringOptions)"/>).
    /// </summary>
    /// <param name="catalog">The transform catalog (<c>mlContext.Transforms</c>).</param>
    /// <param name="outputColumnName">Name of the embedding column.</param>
    /// <param name="inputColumnName">Name of the text column.</param>
    /// <param name="model">The model; <see langword="null"/> for the embedded all-MiniLM-L6-v2.</param>
    /// <returns>The estimator.</returns>
    public static BertScoringEstimator ScoreBert(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, BertModel? model = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new BertScoringEstimator(outputColumnName, inputColumnName, new BertScoringOptions { Model = model }, MLContextLogger.Of(catalog));
    }

    /// <summary>
    /// Returns <paramref name="data"/> as a view whose passes can be cancelled: each of its cursors throws
    /// <see cref="OperationCanceledException"/> from <c>MoveNext</c> once <paramref name="cancellationToken"/> fires (at
    /// once when it already has). Use it to stop a pipeline that holds <c>ScoreBert</c> (a <c>Fit</c> of the estimators
    /// after it, a <c>Transform</c> of a chain, <c>CreateEnumerable</c>): the transform reads its input row by row, so a
    /// pass stops at the next row it reads, at most one window of scoring
    /// (<see cref="BertScoringOptions.WindowTokens"/> tokens, at most <see cref="BertScoringOptions.WindowSize"/> rows) after the token fired.
    /// The token belongs to the returned view only: the models and <paramref name="data"/> itself stay usable, and a
    /// later pass over another view (or over <paramref name="data"/>) runs normally. ML.NET's own transforms and
    /// trainers that read on worker threads may wrap the <see cref="OperationCanceledException"/> in an
    /// <see cref="InvalidOperationException"/>: look for it in the inner exceptions.
    /// </summary>
    /// <param name="catalog">The data catalog (<c>mlContext.Data</c>).</param>
    /// <param name="data">The data to read.</param>
    /// <param name="cancellationToken">Stops the passes over the returned view.</param>
    /// <returns>A view with the schema, rows and row count of <paramref name="data"/>.</returns>
    /// <remarks>To stop a <c>ScoreBert</c> pass between model runs too, use
    /// <see cref="BertScoringTransformer.Transform(IDataView, System.Threading.CancellationToken)"/>.</remarks>
    public static IDataView WithCancellation(this DataOperationsCatalog catalog, IDataView data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        return new CancellableDataView(data, cancellationToken);
    }
}

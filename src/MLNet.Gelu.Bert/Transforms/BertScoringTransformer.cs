using System.IO.Compression;
using Microsoft.Extensions.Logging;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Bert.Graphs;
using MLNet.Gelu.Persistence;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Scores a text column with a BERT model: one <c>Vector&lt;Single, H&gt;</c> embedding per row, H being the model's
/// hidden size. Created by <c>mlContext.Transforms.ScoreBert(...)</c> (<see cref="BertScoringEstimator.Fit"/>). Owns one
/// ONNX Runtime session shared by every cursor and prediction engine: dispose the transformer when done.
/// </summary>
/// <remarks>
/// <para>
/// A cursor reads a window ahead (<see cref="BertScoringOptions.WindowTokens"/> tokens, at most
/// <see cref="BertScoringOptions.WindowSize"/> rows), tokenizes it, sorts it by length, cuts the cheapest batches under
/// <see cref="BertEmbedderOptions.TokenBudget"/>, runs each batch once and serves the rows back in input
/// order with their pass-through columns (buffered per window). Every embedding equals the one the row gets alone
/// (within 1e‑5). A prediction engine (<see cref="GetRowToRowMapper"/>) scores one row per <c>Predict</c>.
/// </para>
/// <para>
/// Prediction engines on several threads share model runs: the engines of one transformer (a pool of engines in a web
/// app, say) queue their tokenized rows, and whichever caller finds no run in progress scores everything queued (up to
/// <see cref="BertScoringOptions.WindowSize"/> rows) in length-sorted batches cut the way
/// <see cref="BertEmbeddingGenerator"/> cuts them, then hands the next round to a waiting caller. No thread of its own
/// is involved: the work runs on the calling threads, and waiting callers block on an event, never on the thread pool. A
/// lone caller scores its row at once, as a batch of one, without waiting for anybody. Single texts and sentence pairs
/// (<see cref="BertScoringOptions.SecondInputColumnName"/>) are combined alike; every embedding equals the one the row
/// gets alone (within 1e‑5). When a shared run fails, each of its rows is scored alone once more, and only a row that
/// fails alone throws (that exception) from its <c>Predict</c>. A <c>Predict</c> checks its cancellation (a view's token)
/// before it queues its row, not while it waits. The truncated-token and token-count columns are computed by each engine
/// on its own thread, as before.
/// </para>
/// <para>
/// Thread safety: the transformer may be shared; cursors, rows and prediction engines are not thread-safe (one per
/// thread). Saving: use <see cref="GeluModelOperations.SaveWithActivations(ModelOperationsCatalog, ITransformer, DataViewSchema?, string)"/>
/// and <see cref="GeluModelOperations.LoadWithActivations(ModelOperationsCatalog, string, out DataViewSchema)"/>, which store
/// the ONNX model, vocabulary and options in the zip. Plain <c>mlContext.Model.Load</c> of such a file fails with a
/// message naming <c>LoadWithActivations</c>.
/// </para>
/// <para>
/// Disposal: <see cref="Dispose"/> (also through a prediction engine created with the default
/// <c>PredictionEngineOptions.OwnsTransformer = true</c>, or a <c>TransformerChain</c> that holds this transformer) may
/// happen on any thread while cursors and other prediction engines score. A batch already running in ONNX Runtime
/// completes normally; scoring that has not reached ONNX Runtime yet (a cursor's next window, a <c>Predict</c>) throws
/// <see cref="ObjectDisposedException"/> naming <see cref="BertScoringTransformer"/>, as does every scoring call after
/// it. Rows already scored into a cursor's window are still served. The native session is released once, when the last
/// running batch has left; the disposing thread never waits. Prediction engines waiting for a shared run when the
/// transformer is disposed get <see cref="ObjectDisposedException"/> from their <c>Predict</c> (unless that run had entered
/// ONNX Runtime already), never a hang. Schema methods keep working after disposal.
/// </para>
/// <para>
/// Cancellation belongs to a pass, never to the transformer: <see cref="Transform(IDataView, CancellationToken)"/> returns a
/// view whose cursors stop with <see cref="OperationCanceledException"/> (between rows read and between model runs) once
/// the token fires; every other view, cursor and prediction engine of the same transformer keeps working, and a saved and
/// reloaded transformer behaves the same, since no token is part of the model. For a pipeline that holds this
/// transformer, wrap its input with <c>mlContext.Data.WithCancellation(data, token)</c>
/// (<see cref="BertScoringCatalog.WithCancellation"/>): its passes stop at the next row they read.
/// </para>
/// </remarks>
public sealed class BertScoringTransformer : IArchivedTransformer, IDisposable
{
    /// <summary>Opens the session (see <see cref="BertScoringEstimator.Fit"/>).</summary>
    /// <param name="outputColumnName">The embedding column.</param>
    /// <param name="inputColumnName">The text column.</param>
    /// <param name="options">The options.</param>
    /// <param name="logger">Where the session logs (a fallback to the CPU); <see langword="null"/> for <see cref="BertEmbedderOptions.Logger"/>.</param>
    internal BertScoringTransformer(string outputColumnName, string inputColumnName, BertScoringOptions options, ILogger? logger = null)
    {
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        Options = options;
        Scorer = new BertScorer(options.Model ?? BertModel.AllMiniLmL6V2(), options, nameof(BertScoringTransformer), logger);
        try
        {
            // Built now so that saving cannot fail halfway through writing a model file.
            Surrogate = BertSurrogate.Create(outputColumnName, inputColumnName, options, Scorer.Session.Dimension);
            Combiner = new RowCombiner(Scorer, options.WindowSize);
        }
        catch
        {
            Scorer.Dispose();
            throw;
        }
    }

    /// <summary>The embedding column.</summary>
    public string OutputColumnName { get; }

    /// <summary>The text column.</summary>
    public string InputColumnName { get; }

    /// <summary>The options the transformer was created with.</summary>
    public BertScoringOptions Options { get; }

    /// <summary>The model as given (before setting overrides and any activation rewrite).</summary>
    public BertModel SourceModel => Scorer.SourceModel;

    /// <summary>The model the session runs: the overrides applied and, with <see cref="BertEmbedderOptions.Activation"/>, the graph rewritten.</summary>
    public BertModel Model => Scorer.Model;

    /// <summary>What the activation rewrite changed, or <see langword="null"/> when <see cref="BertEmbedderOptions.Activation"/> is null.</summary>
    public ActivationRewriteResult? Rewrite => Scorer.Rewrite;

    /// <summary>What <see cref="BertPrecision.Int8"/> quantized, or <see langword="null"/> for <see cref="BertPrecision.Float32"/>.</summary>
    public MatMulQuantizationResult? Quantization => Scorer.Quantization;

    /// <summary>Where the model runs: the provider asked for, or <see cref="BertExecutionProvider.Cpu"/> after a fallback.</summary>
    public BertExecutionProvider ExecutionProvider => Scorer.Session.ExecutionProvider;

    /// <summary>The embedding size H of the output column.</summary>
    public int Dimension => Scorer.Session.Dimension;

    /// <summary>Always <see langword="true"/>: prediction engines score one row at a time.</summary>
    public bool IsRowToRowMapper => true;

    internal BertScorer Scorer { get; }

    internal BertTextTokenizer Tokenizer => Scorer.Tokenizer;

    internal BertSession Session => Scorer.Session;

    internal BertBatcher Batcher => Scorer.Batcher;

    /// <summary>Merges the rows of concurrent prediction engines into shared model runs.</summary>
    internal RowCombiner Combiner { get; }

    internal ITransformer Surrogate { get; }

    string IArchivedTransformer.Kind => "BertScoring";

    /// <summary>Returns the output schema: the input columns, the embedding column (and the truncated-tokens column when asked for).</summary>
    /// <param name="inputSchema">The schema of the data to score.</param>
    /// <returns>The output schema.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An input column is missing or is not text; the message names it and its type.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Bind(inputSchema).OutputSchema;

    /// <summary>Returns a row-to-row mapper that scores one row per call (used by prediction engines); the mappers of one
    /// transformer used on several threads at once share model runs (see the remarks on <see cref="BertScoringTransformer"/>).</summary>
    /// <param name="inputSchema">The schema of the rows.</param>
    /// <returns>The mapper; its getters throw <see cref="ObjectDisposedException"/> once the transformer is disposed.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An input column is missing or is not text.</exception>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => Bind(inputSchema);

    /// <summary>Scores lazily: cursors read windows of rows and score them in length-sorted batches.</summary>
    /// <param name="input">The data to score.</param>
    /// <returns>The input's columns plus the output column(s); its cursors throw <see cref="ObjectDisposedException"/>
    /// from <c>MoveNext</c> once the transformer is disposed (see the remarks on <see cref="BertScoringTransformer"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException">An input column is missing or is not text.</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Bind(input.Schema).Transform(input);
    }

    /// <summary>
    /// Scores lazily like <see cref="Transform(IDataView)"/>, for passes that may be cancelled: every cursor of the returned
    /// view checks <paramref name="cancellationToken"/> before each row it reads from <paramref name="input"/> and between
    /// model runs, and throws <see cref="OperationCanceledException"/> from <c>MoveNext</c> once it fires (at once when it
    /// already has). Only this view's passes stop: the transformer, its other views and its prediction engines keep working.
    /// </summary>
    /// <param name="input">The data to score.</param>
    /// <param name="cancellationToken">Stops the passes over the returned view.</param>
    /// <returns>The input's columns plus the output column(s).</returns>
    /// <exception cref="ArgumentOutOfRangeException">An input column is missing or is not text.</exception>
    public IDataView Transform(IDataView input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return BertColumnMapper.Bind(input.Schema, this, cancellationToken).Transform(input);
    }

    /// <summary>
    /// Frees the ONNX Runtime session once no batch runs any more; later scoring throws <see cref="ObjectDisposedException"/>
    /// (see the remarks on <see cref="BertScoringTransformer"/>). Safe from any thread while others score; idempotent;
    /// never blocks and never throws.
    /// </summary>
    public void Dispose() => Scorer.Dispose();

    /// <summary>Saves the stand-in (see the remarks on <see cref="BertScoringTransformer"/>).</summary>
    /// <param name="ctx">The save context ML.NET passes in.</param>
    void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)Surrogate).Save(ctx);

    System.Text.Json.Nodes.JsonObject IArchivedTransformer.Archive(ZipArchive archive, string folder) => BertScoringArchive.Write(this, archive, folder);

    private BertColumnMapper Bind(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return BertColumnMapper.Bind(inputSchema, this);
    }
}

using System.IO.Compression;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Bert.Training;
using MLNet.Gelu.Encoder;
using MLNet.Gelu.Persistence;

namespace MLNet.Gelu.Bert;

/// <summary>
/// A BERT text classifier, fine-tuned or trained from scratch (made by <see cref="BertClassifierTrainer.Fit"/>): adds the columns ML.NET's own
/// classifiers add — multiclass <c>Score</c> (class probabilities) and <c>PredictedLabel</c> (a key with the training
/// label's values); binary <c>Score</c>, <c>Probability</c> and <c>PredictedLabel</c> — so <c>Evaluate</c>,
/// <c>CrossValidate</c> and <c>CreatePredictionEngine</c> work as with any trainer.
/// </summary>
/// <remarks>
/// <para><see cref="Transform"/> batches: its cursors read a window of rows ahead (32,768 tokens or 2,048 rows), sort them by
/// length and run batches of similar length (at most 512 positions each, padding included) through the encoder (no
/// dropout), then serve the rows in input order; the scores equal those of scoring each row on its own. A prediction engine
/// scores each row on its own. A cursor or prediction engine holds its own buffers, so the transformer may be shared
/// between threads (one cursor or engine per thread).</para>
/// <para>Saving: <see cref="GeluModelOperations.SaveWithActivations(ModelOperationsCatalog, ITransformer, DataViewSchema?, string)"/>
/// stores the trained parameters, the vocabulary (and, from scratch, the embedding row of each word piece) and the settings in the model zip, and
/// <see cref="GeluModelOperations.LoadWithActivations(ModelOperationsCatalog, string, out DataViewSchema)"/> returns a
/// classifier with identical outputs. Plain <c>mlContext.Model.Load</c> of such a file fails with a message naming
/// <c>LoadWithActivations</c>.</para>
/// </remarks>
public sealed class BertClassifierTransformer : IArchivedTransformer
{
    private readonly EncoderWeights _weights;
    private readonly BertTextTokenizer _tokenizer;
    private readonly ITransformer _head;
    private readonly DataViewSchema.DetachedColumn[] _outputs;
    private readonly int _threads;
    private readonly Lazy<ITransformer> _surrogate;

    internal BertClassifierTransformer(
        EncoderWeights weights, BertTextTokenizer tokenizer, bool lowerCase, string textColumnName, string? secondTextColumnName, ITransformer head, int threads,
        WordPieceRows? rows = null)
    {
        _weights = weights;
        Rows = rows;
        _tokenizer = tokenizer;
        _head = head;
        _threads = threads;
        LowerCase = lowerCase;
        _surrogate = new(() => BertClassifierSurrogate.Create(textColumnName, secondTextColumnName, weights.Configuration.Classes, head));
        TextColumnName = textColumnName;
        SecondTextColumnName = secondTextColumnName;
        _outputs = PredictionHeads.OutputColumns(head, weights.Configuration.Classes);
    }

    /// <summary>The text column the classifier reads.</summary>
    public string TextColumnName { get; }

    /// <summary>The second text column of sentence pairs, or <see langword="null"/>.</summary>
    public string? SecondTextColumnName { get; }

    /// <summary>The number of classes (2 for a binary classifier).</summary>
    public int ClassCount => _weights.Configuration.Classes;

    /// <summary>Always <see langword="true"/>: a single row (a prediction engine's) is scored on its own.</summary>
    public bool IsRowToRowMapper => true;

    internal EncoderWeights Weights => _weights;

    internal BertTextTokenizer Tokenizer => _tokenizer;

    internal bool LowerCase { get; }

    internal int Threads => _threads;

    /// <summary>How a cursor's window is cut into encoder runs: length-sorted, the cheapest cuts of at most 512 positions
    /// (rows × longest row) each, counting 48 positions per run.</summary>
    internal BertBatchingOptions Batching { get; init; } = new() { TokenBudget = 512, RunCostTokens = BertBatchingOptions.DefaultRunCostTokens };

    /// <summary>The tokens after which a cursor stops reading ahead (ScoreBert's default window).</summary>
    internal int WindowTokens { get; init; } = BertBatchingOptions.DefaultWindowTokens;

    /// <summary>The most rows a cursor reads ahead (ScoreBert's default window).</summary>
    internal int WindowRows { get; init; } = BertBatchingOptions.DefaultWindowRows;

    /// <summary>The embedding row that pads a batch.</summary>
    internal int PadRow => WordPieceRows.PadRow(Rows, _tokenizer.Vocabulary);

    /// <summary>The embedding row of every word piece for an encoder trained from scratch; null when rows are WordPiece ids.</summary>
    internal WordPieceRows? Rows { get; }

    string IArchivedTransformer.Kind => BertClassifierArchive.Kind;

    /// <summary>The schema of <see cref="Transform"/>'s output for <paramref name="inputSchema"/>.</summary>
    /// <param name="inputSchema">A schema holding the text column(s).</param>
    /// <returns>The input columns followed by the prediction columns.</returns>
    /// <exception cref="ArgumentException">A text column is missing or is not text.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Bind(inputSchema).OutputSchema;

    /// <summary>A row mapper that adds the prediction columns (used by <c>CreatePredictionEngine</c>).</summary>
    /// <param name="inputSchema">A schema holding the text column(s).</param>
    /// <returns>The row mapper.</returns>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => Bind(inputSchema);

    /// <summary>Scores <paramref name="input"/> lazily: rows are computed as a cursor reads them.</summary>
    /// <param name="input">Data with the text column(s).</param>
    /// <returns>The input with the prediction columns added.</returns>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Bind(input.Schema, batched: true).Transform(input);
    }

    /// <summary>Scores <paramref name="input"/> one row and one encoder run at a time (the prediction engine's path), for comparisons.</summary>
    internal IDataView TransformRowByRow(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Bind(input.Schema).Transform(input);
    }

    /// <summary>A copy scoring with other batching settings (for tests and benchmarks).</summary>
    internal BertClassifierTransformer WithBatching(BertBatchingOptions batching, int windowRows, int windowTokens) =>
        new(_weights, _tokenizer, LowerCase, TextColumnName, SecondTextColumnName, _head, _threads, Rows)
        {
            Batching = batching, WindowRows = windowRows, WindowTokens = windowTokens,
        };

    /// <summary>The encoder's token ids (embedding rows) and type ids (null when all 0) of a text or pair.</summary>
    internal (int[] Ids, int[]? Types) Encode(string text, string? pair)
    {
        var (ids, types) = BertClassifierTexts.Encode(_tokenizer, text, pair);
        Rows?.MapInPlace(ids);
        return (ids, types);
    }

    /// <summary>
    /// The fine-tuned encoder as an ONNX BERT model, ready for <c>ScoreBert</c>, <see cref="BertEmbedder"/> and
    /// <see cref="BertEmbeddingGenerator"/>, or for any ONNX runtime: train in ML.NET, serve anywhere.
    /// </summary>
    /// <returns>
    /// A model with this classifier's vocabulary (the whole WordPiece vocabulary, also for an encoder trained from scratch:
    /// pieces it never saw in training read the <c>[UNK]</c> embedding, as in the classifier), lower-casing, token limit and pooling (CLS or mean; embeddings
    /// L2-normalized, the <see cref="BertModelSettings"/> default). Its ONNX graph (opset 13, standard operators only) takes
    /// <c>input_ids</c>, <c>attention_mask</c> and <c>token_type_ids</c> and has two outputs: <c>last_hidden_state</c>
    /// [batch, sequence, hidden], which the embedding scorers pool, and <c>logits</c> [batch, classes], this classifier's
    /// logits before the softmax (serve them with <c>WithSettings(model.Settings with { OutputName = "logits", Normalize = false })</c>).
    /// <see cref="SaveEncoder"/> writes the same model and vocabulary to files.
    /// </returns>
    public BertModel ExportEncoder()
    {
        byte[] onnx = EncoderOnnxExporter.Export(_weights, withLogits: true, Rows);
        var settings = new BertModelSettings
        {
            LowerCase = LowerCase,
            MaxTokens = _tokenizer.MaxTokens,
            Pooling = _weights.Configuration.Pooling == EncoderPooling.Cls ? BertPooling.Cls : BertPooling.Mean,
        };
        using var model = new MemoryStream(onnx, writable: false);
        using var vocabulary = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(_tokenizer.Vocabulary.Text), writable: false);
        return BertModel.FromStreams(model, vocabulary, settings, Rows is null ? "fine-tuned BERT classifier encoder" : "BERT classifier encoder trained from scratch");
    }

    /// <summary>
    /// Writes <see cref="ExportEncoder"/>'s ONNX model and the WordPiece vocabulary to files, for serving without this
    /// library; <see cref="BertModel.FromFiles"/> reads them back (pass the settings: CLS or mean pooling as trained).
    /// </summary>
    /// <param name="onnxPath">Where to write the ONNX model (overwritten if it exists).</param>
    /// <param name="vocabularyPath">Where to write the vocabulary, one token per line (overwritten if it exists).</param>
    /// <exception cref="ArgumentException">A path is null or empty.</exception>
    /// <exception cref="DirectoryNotFoundException">A path's folder does not exist.</exception>
    public void SaveEncoder(string onnxPath, string vocabularyPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(onnxPath);
        ArgumentException.ThrowIfNullOrEmpty(vocabularyPath);
        File.WriteAllBytes(onnxPath, EncoderOnnxExporter.Export(_weights, withLogits: true, Rows));
        File.WriteAllText(vocabularyPath, _tokenizer.Vocabulary.Text);
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)_surrogate.Value).Save(ctx);

    JsonObject IArchivedTransformer.Archive(ZipArchive archive, string folder) => BertClassifierArchive.Write(this, archive, folder);

    private ClassifierScoreMapper Bind(DataViewSchema inputSchema, bool batched = false)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        int text = BertClassifierTexts.TextColumn(inputSchema, TextColumnName, "input").Index;
        int second = SecondTextColumnName is { } name ? BertClassifierTexts.TextColumn(inputSchema, name, "input").Index : -1;
        int[] inputs = second >= 0 ? [text, second] : [text];
        return new ClassifierScoreMapper(
            inputSchema, ClassCount, inputs, row => Scorer(row, text, second), _outputs,
            batched ? (mapper, cursor, active) => new BertClassifierCursor(this, mapper, cursor, active, text, second) : null);
    }

    /// <summary>The logits of a row's current text: tokenized, then one forward pass through this row's own network.</summary>
    private Action<float[]> Scorer(DataViewRow row, int text, int second)
    {
        var read = TextValues.Reader(row, text, second);
        var network = new EncoderNetwork(_weights, 1, _tokenizer.MaxTokens, _threads, inference: true);
        return logits =>
        {
            var (a, b) = read();
            var (ids, types) = Encode(a, b);
            var unused = new RandomSource(0);
            network.Forward(new EncoderBatch(1, ids.Length, ids, types, [ids.Length], null), training: false, ref unused);
            network.Logits.CopyTo(logits);
        };
    }
}

using System.Collections.Concurrent;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Sentence embeddings without ML.NET: tokenizes texts, scores them in length-sorted batches on one shared ONNX Runtime
/// session, and returns one vector per text in input order. Thread-safe; dispose it to free the session.
/// </summary>
/// <remarks>
/// <para>
/// Memory: a list is tokenized and scored in windows (a window closes at 32,768 tokens or 2,048 texts, or
/// <see cref="BertEmbedderOptions.MaxBatchSize"/> texts when larger), each sorted by length and cut into the cheapest runs, each
/// window's tokens released before the next is read, so a call holds its results plus one window's tokens and vectors,
/// never the whole list's. Between calls the embedder keeps at most one tokenized window per core, each no
/// larger than a window at the model's token limit. A list scored in windows gets the vectors each text gets alone
/// (within 1e‑5), as before.
/// </para>
/// <para>
/// <see cref="Dispose"/> may be called from any thread at any time, also while other threads are inside an
/// <c>Embed</c> call: a batch already running in ONNX Runtime completes normally, a call (or its next batch) that has
/// not reached ONNX Runtime yet throws <see cref="ObjectDisposedException"/> naming <see cref="BertEmbedder"/>, and
/// every call after <see cref="Dispose"/> throws it too. A call that returns has the same vectors as it would without
/// the race. The native session is released once, when the last running batch has left (at once when none runs); the
/// disposing thread never waits. <see cref="Model"/>, <see cref="Dimension"/> and <see cref="ExecutionProvider"/> stay
/// readable after disposal.
/// </para>
/// <para>
/// Cancellation: the overloads that take a <see cref="CancellationToken"/> check it between windows and between model
/// runs and stop only that call; the embedder stays usable.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// using var embedder = new BertEmbedder();                 // all-MiniLM-L6-v2, embedded
/// float[][] vectors = embedder.Embed(["a cat", "a dog"]);  // 2 × 384, unit length
/// </code>
/// </example>
public sealed class BertEmbedder : IDisposable
{
    /// <summary>Tokenized windows kept for the next calls (at most one per core, each within <see cref="_retainedTokens"/>).</summary>
    private readonly ConcurrentBag<BertTokenizedRows> _rows = [];

    /// <summary>The largest token buffer kept between calls: a window of texts at the model's token limit.</summary>
    private readonly long _retainedTokens;

    /// <summary>Creates an embedder.</summary>
    /// <param name="model">The model; <see langword="null"/> for the embedded all-MiniLM-L6-v2 (<see cref="BertModel.AllMiniLmL6V2"/>).</param>
    /// <param name="options">Setting overrides, long texts, batching, execution provider, activation rewrite;
    /// <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    /// <exception cref="BertModelException">No model was given and the app lacks the <c>MLNet.Gelu.Bert.MiniLM</c> package.</exception>
    /// <exception cref="OnnxRuntimeNotFoundException">The app carries no ONNX Runtime native library.</exception>
    /// <exception cref="ExecutionProviderUnavailableException">The execution provider is not available and
    /// <see cref="BertEmbedderOptions.FallbackToCpu"/> is off.</exception>
    /// <exception cref="ExecutionProviderFailedException">The execution provider is there but ONNX Runtime failed with it (an option, the device,
    /// memory); <see cref="BertEmbedderOptions.FallbackToCpu"/> does not apply.</exception>
    public BertEmbedder(BertModel? model = null, BertEmbedderOptions? options = null)
    {
        options ??= new BertEmbedderOptions();
        options.Validate();
        Scorer = new BertScorer(model ?? BertModel.AllMiniLmL6V2(), options, nameof(BertEmbedder));
        WindowTexts = Math.Max(BertBatchingOptions.DefaultWindowRows, options.MaxBatchSize);
        int maxTokens = Scorer.Model.Settings.MaxTokens;
        _retainedTokens = Math.Min((long)WindowTexts * maxTokens, (long)WindowTokens + maxTokens);
    }

    /// <summary>The model the session runs: the options' overrides applied and, with an activation rewrite, the graph rewritten.</summary>
    public BertModel Model => Scorer.Model;

    /// <summary>Where the model runs: the provider asked for, or <see cref="BertExecutionProvider.Cpu"/> after a fallback.</summary>
    public BertExecutionProvider ExecutionProvider => Session.ExecutionProvider;

    /// <summary>The length of each embedding.</summary>
    public int Dimension => Session.Dimension;

    internal BertScorer Scorer { get; }

    internal BertTextTokenizer Tokenizer => Scorer.Tokenizer;

    internal BertSession Session => Scorer.Session;

    internal BertBatcher Batcher => Scorer.Batcher;

    /// <summary>
    /// The most texts one window holds: a list is tokenized and scored window by window, so an <c>Embed</c> call holds
    /// the tokens of at most this many texts (and about <see cref="WindowTokens"/>), however long the list. 2,048, or
    /// <see cref="BertEmbedderOptions.MaxBatchSize"/> when larger (a full batch).
    /// </summary>
    internal int WindowTexts { get; }

    /// <summary>The tokens at which a window closes (it may exceed them by its last text): as ScoreBert's default windows,
    /// sized in tokens so that a window holds many runs of short texts as of long ones, which sorting needs to pad little.</summary>
    internal static int WindowTokens => BertBatchingOptions.DefaultWindowTokens;

    /// <summary>Embeds one text.</summary>
    /// <param name="text">The text; <see langword="null"/> is treated as empty.</param>
    /// <exception cref="ObjectDisposedException">The embedder was disposed before or during the call (see the remarks on <see cref="BertEmbedder"/>).</exception>
    public float[] Embed(string? text) => Embed([text])[0];

    /// <summary>Embeds texts; result <c>i</c> belongs to <c>texts[i]</c>.</summary>
    /// <param name="texts">The texts; <see langword="null"/> entries are treated as empty.</param>
    /// <exception cref="ObjectDisposedException">The embedder was disposed before or during the call (see the remarks on <see cref="BertEmbedder"/>).</exception>
    /// <remarks>The list is scored in windows of texts (see the remarks on <see cref="BertEmbedder"/>): the call holds one
    /// window's tokens besides the results, whatever the list's length.</remarks>
    public float[][] Embed(IReadOnlyList<string?> texts) => Embed(texts, Span<int>.Empty, CancellationToken.None);

    /// <summary>Embeds texts; stops between windows and between model runs once <paramref name="cancellationToken"/> fires.</summary>
    /// <param name="texts">The texts; <see langword="null"/> entries are treated as empty.</param>
    /// <param name="cancellationToken">Stops the call (only this call: the embedder stays usable).</param>
    /// <exception cref="ObjectDisposedException">The embedder was disposed before or during the call (see the remarks on <see cref="BertEmbedder"/>).</exception>
    /// <exception cref="OperationCanceledException">The token fired.</exception>
    public float[][] Embed(IReadOnlyList<string?> texts, CancellationToken cancellationToken) => Embed(texts, Span<int>.Empty, cancellationToken);

    /// <summary>Embeds texts and reports how many word pieces truncation dropped from each.</summary>
    /// <param name="texts">The texts; <see langword="null"/> entries are treated as empty.</param>
    /// <param name="droppedTokens">Receives the dropped count per text; empty to skip, else at least <c>texts.Count</c> long.</param>
    /// <exception cref="ObjectDisposedException">The embedder was disposed before or during the call (see the remarks on <see cref="BertEmbedder"/>).</exception>
    public float[][] Embed(IReadOnlyList<string?> texts, Span<int> droppedTokens) => Embed(texts, droppedTokens, CancellationToken.None);

    /// <summary>Embeds texts and reports how many word pieces truncation dropped from each; stops once <paramref name="cancellationToken"/> fires.</summary>
    /// <param name="texts">The texts; <see langword="null"/> entries are treated as empty.</param>
    /// <param name="droppedTokens">Receives the dropped count per text; empty to skip, else at least <c>texts.Count</c> long.</param>
    /// <param name="cancellationToken">Checked between windows and between model runs; stops only this call.</param>
    /// <exception cref="ObjectDisposedException">The embedder was disposed before or during the call (see the remarks on <see cref="BertEmbedder"/>).</exception>
    /// <exception cref="OperationCanceledException">The token fired; <paramref name="droppedTokens"/> may hold the counts of the windows read before.</exception>
    public float[][] Embed(IReadOnlyList<string?> texts, Span<int> droppedTokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return Run(texts.Count, droppedTokens, (rows, i) => Tokenizer.Tokenize(texts[i], null, rows), cancellationToken);
    }

    /// <summary>Embeds sentence pairs (<c>[CLS] first [SEP] second [SEP]</c>, the second with token type 1).</summary>
    /// <param name="pairs">The pairs; <see langword="null"/> texts are treated as empty.</param>
    /// <exception cref="ObjectDisposedException">The embedder was disposed before or during the call (see the remarks on <see cref="BertEmbedder"/>).</exception>
    public float[][] EmbedPairs(IReadOnlyList<(string? First, string? Second)> pairs) => EmbedPairs(pairs, CancellationToken.None);

    /// <summary>Embeds sentence pairs; stops between windows and between model runs once <paramref name="cancellationToken"/> fires.</summary>
    /// <param name="pairs">The pairs; <see langword="null"/> texts are treated as empty.</param>
    /// <param name="cancellationToken">Stops only this call.</param>
    /// <exception cref="ObjectDisposedException">The embedder was disposed before or during the call (see the remarks on <see cref="BertEmbedder"/>).</exception>
    /// <exception cref="OperationCanceledException">The token fired.</exception>
    public float[][] EmbedPairs(IReadOnlyList<(string? First, string? Second)> pairs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        return Run(pairs.Count, Span<int>.Empty, (rows, i) => Tokenizer.Tokenize(pairs[i].First, pairs[i].Second ?? string.Empty, rows), cancellationToken);
    }

    /// <summary>Embeds texts into one flat buffer: text <c>i</c> fills <c>destination[i * Dimension .. (i + 1) * Dimension]</c>.</summary>
    /// <param name="texts">The texts; <see langword="null"/> entries are treated as empty.</param>
    /// <param name="destination">At least <c>texts.Count × Dimension</c> floats.</param>
    /// <exception cref="ObjectDisposedException">The embedder was disposed before or during the call (see the remarks on
    /// <see cref="BertEmbedder"/>); rows of <paramref name="destination"/> may then hold vectors of batches that completed.</exception>
    public void Embed(IReadOnlyList<string?> texts, Span<float> destination) => Embed(texts, destination, CancellationToken.None);

    /// <summary>Embeds texts into one flat buffer; stops between windows and between model runs once <paramref name="cancellationToken"/> fires.</summary>
    /// <param name="texts">The texts; <see langword="null"/> entries are treated as empty.</param>
    /// <param name="destination">At least <c>texts.Count × Dimension</c> floats.</param>
    /// <param name="cancellationToken">Stops only this call.</param>
    /// <exception cref="ObjectDisposedException">The embedder was disposed before or during the call (see the remarks on
    /// <see cref="BertEmbedder"/>); rows of <paramref name="destination"/> may then hold vectors of batches that completed.</exception>
    /// <exception cref="OperationCanceledException">The token fired; rows of <paramref name="destination"/> may hold vectors of windows scored before.</exception>
    public void Embed(IReadOnlyList<string?> texts, Span<float> destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (destination.Length < (long)texts.Count * Dimension)
        {
            throw new ArgumentException($"The destination holds {destination.Length} floats; {texts.Count} texts × {Dimension} are needed.", nameof(destination));
        }

        Score(texts.Count, Span<int>.Empty, (rows, i) => Tokenizer.Tokenize(texts[i], null, rows), destination, cancellationToken);
    }

    /// <summary>
    /// Closes the embedder: later calls throw <see cref="ObjectDisposedException"/>; the ONNX Runtime session is released
    /// when no batch runs any more. Safe from any thread while others embed; idempotent; never blocks and never throws.
    /// </summary>
    public void Dispose() => Scorer.Dispose();

    private float[][] Run(int count, Span<int> droppedTokens, Action<BertTokenizedRows, int> tokenize, CancellationToken cancellationToken)
    {
        var result = new float[count][];
        var dimension = Dimension;
        var window = System.Buffers.ArrayPool<float>.Shared.Rent(Math.Max(1, Math.Min(count, WindowTexts) * dimension));
        try
        {
            Score(count, droppedTokens, tokenize, window, cancellationToken, (start, scored) =>
            {
                for (var i = 0; i < scored; i++)
                {
                    result[start + i] = window.AsSpan(i * dimension, dimension).ToArray();
                }
            });
            return result;
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(window);
        }
    }

    /// <summary>Scores texts <c>0 .. count</c> window by window straight into <paramref name="destination"/> (<c>count × Dimension</c> floats).</summary>
    private void Score(int count, Span<int> droppedTokens, Action<BertTokenizedRows, int> tokenize, Span<float> destination, CancellationToken cancellationToken)
    {
        CheckDropped(count, droppedTokens);
        Session.ThrowIfDisposed();
        var rows = RentRows();
        try
        {
            for (var start = 0; start < count;)
            {
                var n = ReadWindow(rows, start, count, droppedTokens, tokenize, cancellationToken);
                Batcher.Score(rows, destination.Slice(start * Dimension, n * Dimension), cancellationToken);
                start += n;
            }
        }
        finally
        {
            ReturnRows(rows);
        }
    }

    /// <summary>
    /// Scores texts <c>0 .. count</c> window by window into <paramref name="window"/> (one window's vectors), handing each
    /// window to <paramref name="take"/> (its first text, its text count) before the next overwrites it.
    /// </summary>
    private void Score(
        int count, Span<int> droppedTokens, Action<BertTokenizedRows, int> tokenize, float[] window, CancellationToken cancellationToken, Action<int, int> take)
    {
        CheckDropped(count, droppedTokens);
        Session.ThrowIfDisposed();
        var rows = RentRows();
        try
        {
            for (var start = 0; start < count;)
            {
                var n = ReadWindow(rows, start, count, droppedTokens, tokenize, cancellationToken);
                Batcher.Score(rows, window, cancellationToken);
                take(start, n);
                start += n;
            }
        }
        finally
        {
            ReturnRows(rows);
        }
    }

    /// <summary>
    /// Tokenizes the window of texts from <paramref name="start"/> into <paramref name="rows"/> (cleared first), until it
    /// holds <see cref="WindowTokens"/> tokens or <see cref="WindowTexts"/> texts or the list ends; returns how many texts.
    /// </summary>
    private int ReadWindow(BertTokenizedRows rows, int start, int count, Span<int> droppedTokens, Action<BertTokenizedRows, int> tokenize, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Session.ThrowIfDisposed();
        rows.Clear();
        var limit = Math.Min(WindowTexts, count - start);
        var n = 0;
        for (long tokens = 0; n < limit && tokens < WindowTokens; n++)
        {
            int first = rows.SequenceCount;
            tokenize(rows, start + n);
            tokens += rows.TokenCount(first);
        }

        if (!droppedTokens.IsEmpty)
        {
            for (var i = 0; i < n; i++)
            {
                droppedTokens[start + i] = rows.DroppedTokens(i);
            }
        }

        return n;
    }

    private static void CheckDropped(int count, Span<int> droppedTokens)
    {
        if (!droppedTokens.IsEmpty && droppedTokens.Length < count)
        {
            throw new ArgumentException($"droppedTokens holds {droppedTokens.Length} values; {count} texts need as many.", nameof(droppedTokens));
        }
    }

    private BertTokenizedRows RentRows() => _rows.TryTake(out var rows) ? rows : new BertTokenizedRows();

    /// <summary>
    /// Keeps <paramref name="rows"/> for the next call when its buffers hold no more than a window of texts at the model's
    /// token limit and fewer than one per core are kept; else lets it go (a window of huge chunked texts grew it).
    /// </summary>
    private void ReturnRows(BertTokenizedRows rows)
    {
        rows.Clear();
        if (rows.TokenCapacity <= _retainedTokens && rows.SequenceCapacity <= 4 * WindowTexts && _rows.Count < Environment.ProcessorCount)
        {
            _rows.Add(rows);
        }
    }
}

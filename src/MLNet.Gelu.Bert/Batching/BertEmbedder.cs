using System.Collections.Concurrent;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Sentence embeddings without ML.NET: tokenizes texts, scores them in length-sorted batches on one shared ONNX Runtime
/// session, and returns one vector per text in input order. Thread-safe; dispose it to free the session.
/// </summary>
/// <remarks>
/// <see cref="Dispose"/> may be called from any thread at any time, also while other threads are inside an
/// <c>Embed</c> call: a batch already running in ONNX Runtime completes normally, a call (or its next batch) that has
/// not reached ONNX Runtime yet throws <see cref="ObjectDisposedException"/> naming <see cref="BertEmbedder"/>, and
/// every call after <see cref="Dispose"/> throws it too. A call that returns has the same vectors as it would without
/// the race. The native session is released once, when the last running batch has left (at once when none runs); the
/// disposing thread never waits. <see cref="Model"/>, <see cref="Dimension"/> and <see cref="ExecutionProvider"/> stay
/// readable after disposal.
/// </remarks>
/// <example>
/// <code>
/// using var embedder = new BertEmbedder();                 // all-MiniLM-L6-v2, embedded
/// float[][] vectors = embedder.Embed(["a cat", "a dog"]);  // 2 × 384, unit length
/// </code>
/// </example>
public sealed class BertEmbedder : IDisposable
{
    private readonly ConcurrentBag<BertTokenizedRows> _rows = [];

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

    /// <summary>Embeds one text.</summary>
    /// <param name="text">The text; <see langword="null"/> is treated as empty.</param>
    /// <exception cref="ObjectDisposedException">The embedder was disposed before or during the call (see the remarks on <see cref="BertEmbedder"/>).</exception>
    public float[] Embed(string? text) => Embed([text])[0];

    /// <summary>Embeds texts; result <c>i</c> belongs to <c>texts[i]</c>.</summary>
    /// <param name="texts">The texts; <see langword="null"/> entries are treated as empty.</param>
    /// <exception cref="ObjectDisposedException">The embedder was disposed before or during the call (see the remarks on <see cref="BertEmbedder"/>).</exception>
    public float[][] Embed(IReadOnlyList<string?> texts) => Embed(texts, Span<int>.Empty);

    /// <summary>Embeds texts and reports how many word pieces truncation dropped from each.</summary>
    /// <param name="texts">The texts; <see langword="null"/> entries are treated as empty.</param>
    /// <param name="droppedTokens">Receives the dropped count per text; empty to skip, else at least <c>texts.Count</c> long.</param>
    /// <exception cref="ObjectDisposedException">The embedder was disposed before or during the call (see the remarks on <see cref="BertEmbedder"/>).</exception>
    public float[][] Embed(IReadOnlyList<string?> texts, Span<int> droppedTokens)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return Run(texts.Count, droppedTokens, (rows, i) => Tokenizer.Tokenize(texts[i], null, rows));
    }

    /// <summary>Embeds sentence pairs (<c>[CLS] first [SEP] second [SEP]</c>, the second with token type 1).</summary>
    /// <param name="pairs">The pairs; <see langword="null"/> texts are treated as empty.</param>
    /// <exception cref="ObjectDisposedException">The embedder was disposed before or during the call (see the remarks on <see cref="BertEmbedder"/>).</exception>
    public float[][] EmbedPairs(IReadOnlyList<(string? First, string? Second)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        return Run(pairs.Count, Span<int>.Empty, (rows, i) => Tokenizer.Tokenize(pairs[i].First, pairs[i].Second ?? string.Empty, rows));
    }

    /// <summary>Embeds texts into one flat buffer: text <c>i</c> fills <c>destination[i * Dimension .. (i + 1) * Dimension]</c>.</summary>
    /// <param name="texts">The texts; <see langword="null"/> entries are treated as empty.</param>
    /// <param name="destination">At least <c>texts.Count × Dimension</c> floats.</param>
    /// <exception cref="ObjectDisposedException">The embedder was disposed before or during the call (see the remarks on
    /// <see cref="BertEmbedder"/>); rows of <paramref name="destination"/> may then hold vectors of batches that completed.</exception>
    public void Embed(IReadOnlyList<string?> texts, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var rows = RentRows();
        try
        {
            for (var i = 0; i < texts.Count; i++)
            {
                Tokenizer.Tokenize(texts[i], null, rows);
            }

            Batcher.Score(rows, destination);
        }
        finally
        {
            ReturnRows(rows);
        }
    }

    /// <summary>
    /// Closes the embedder: later calls throw <see cref="ObjectDisposedException"/>; the ONNX Runtime session is released
    /// when no batch runs any more. Safe from any thread while others embed; idempotent; never blocks and never throws.
    /// </summary>
    public void Dispose() => Scorer.Dispose();

    private float[][] Run(int count, Span<int> droppedTokens, Action<BertTokenizedRows, int> tokenize)
    {
        if (!droppedTokens.IsEmpty && droppedTokens.Length < count)
        {
            throw new ArgumentException($"droppedTokens holds {droppedTokens.Length} values; {count} texts need as many.", nameof(droppedTokens));
        }

        var rows = RentRows();
        var flat = System.Buffers.ArrayPool<float>.Shared.Rent(Math.Max(1, count * Dimension));
        try
        {
            for (var i = 0; i < count; i++)
            {
                tokenize(rows, i);
                if (!droppedTokens.IsEmpty)
                {
                    droppedTokens[i] = rows.DroppedTokens(i);
                }
            }

            Batcher.Score(rows, flat);
            var result = new float[count][];
            for (var i = 0; i < count; i++)
            {
                result[i] = flat.AsSpan(i * Dimension, Dimension).ToArray();
            }

            return result;
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(flat);
            ReturnRows(rows);
        }
    }

    private BertTokenizedRows RentRows() => _rows.TryTake(out var rows) ? rows : new BertTokenizedRows();

    private void ReturnRows(BertTokenizedRows rows)
    {
        rows.Clear();
        _rows.Add(rows);
    }
}

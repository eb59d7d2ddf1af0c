using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.ML;

namespace MLNet.Gelu.Bert;

/// <summary>Bulk jobs: a corpus streamed through the cluster in chunks, answered in input order.</summary>
public sealed partial class BertEmbeddingClusterGenerator
{
    /// <summary>
    /// Embeds a corpus across the cluster: the texts are read lazily, cut into chunks of
    /// <see cref="BertEmbeddingClusterOptions.ChunkSize"/> (chunk <c>k</c> holds rows <c>k × ChunkSize</c> onwards), and up to
    /// <see cref="BertEmbeddingClusterOptions.MaxChunksInFlight"/> chunks are scored at once on silos chosen at random; the
    /// embeddings come back in input order, one per row, each exactly once.
    /// </summary>
    /// <param name="texts">The corpus; <see langword="null"/> entries are embedded as the empty text. Enumerated once, as the job
    /// needs more (the client never holds more than the chunks in flight).</param>
    /// <param name="progress">Told after each chunk is handed back; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Stops the job (and its chunks on the silos).</param>
    /// <returns>The embeddings, row <c>i</c>'s <c>i</c>-th. Enumerate it once; the job runs while it is enumerated.</returns>
    /// <remarks>A chunk whose silo dies, shuts down, rejects it (queue full) or does not answer within
    /// <see cref="BertEmbeddingClusterOptions.RequestTimeout"/> is sent again to a freshly placed grain, up to
    /// <see cref="BertEmbeddingClusterOptions.MaxAttempts"/> tries; the first answer is used and a late one dropped, so a
    /// chunk sent twice still yields its rows once. A chunk that fails every try (or fails for a reason another try would
    /// not fix, such as a model error) fails the job with that exception.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> is <see langword="null"/>.</exception>
    /// <exception cref="ObjectDisposedException">The generator is disposed (also thrown by the enumeration when it is disposed during the job).</exception>
    public IAsyncEnumerable<Embedding<float>> EmbedManyAsync(
        IEnumerable<string?> texts, IProgress<BulkEmbeddingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        return RunJob(texts.ToAsyncEnumerable(), progress, cancellationToken);
    }

    /// <summary>Embeds an asynchronous stream of texts across the cluster: see
    /// <see cref="EmbedManyAsync(IEnumerable{string}, IProgress{BulkEmbeddingProgress}, CancellationToken)"/>.</summary>
    /// <param name="texts">The corpus, read as the job needs more.</param>
    /// <param name="progress">Told after each chunk is handed back; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Stops the job (and its chunks on the silos); also passed to the stream.</param>
    /// <returns>The embeddings, in input order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> is <see langword="null"/>.</exception>
    /// <exception cref="ObjectDisposedException">The generator is disposed.</exception>
    public IAsyncEnumerable<Embedding<float>> EmbedManyAsync(
        IAsyncEnumerable<string?> texts, IProgress<BulkEmbeddingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        return RunJob(texts, progress, cancellationToken);
    }

    /// <summary>Embeds a text column of an ML.NET <see cref="IDataView"/> across the cluster, one embedding per row in the
    /// view's order: see <see cref="EmbedManyAsync(IEnumerable{string}, IProgress{BulkEmbeddingProgress}, CancellationToken)"/>.
    /// The view is read with one cursor, as the job needs more rows.</summary>
    /// <param name="data">The rows (a loaded file, a database query, any pipeline's output).</param>
    /// <param name="textColumn">The text column (<c>ReadOnlyMemory&lt;char&gt;</c>; <c>string</c> in your classes).</param>
    /// <param name="progress">Told after each chunk is handed back; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Stops the job (and its chunks on the silos).</param>
    /// <returns>The embeddings, row <c>i</c>'s <c>i</c>-th.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> or <paramref name="textColumn"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The view has no column <paramref name="textColumn"/>, or it does not hold text;
    /// the message names the column and the columns there are.</exception>
    /// <exception cref="ObjectDisposedException">The generator is disposed.</exception>
    public IAsyncEnumerable<Embedding<float>> EmbedManyAsync(
        IDataView data, string textColumn, IProgress<BulkEmbeddingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(textColumn);
        int column = BertInputs.Resolve(data.Schema, textColumn);
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        return RunJob(Texts(data, data.Schema[column]).ToAsyncEnumerable(), progress, cancellationToken);
    }

    /// <summary>The column's values, read lazily with one cursor.</summary>
    private static IEnumerable<string?> Texts(IDataView data, DataViewSchema.Column column)
    {
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<ReadOnlyMemory<char>>(column);
        ReadOnlyMemory<char> value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
            yield return value.ToString();
        }
    }

    private async IAsyncEnumerable<Embedding<float>> RunJob(
        IAsyncEnumerable<string?> texts, IProgress<BulkEmbeddingProgress>? progress, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var job = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        var calls = _calls.WithNewCounters();
        var window = new Queue<(string?[] Texts, Task<EmbeddingReply> Reply)>();
        var chunks = texts.Chunk(Options.ChunkSize).GetAsyncEnumerator(job.Token);
        long rows = 0, handed = 0;
        try
        {
            var more = true;
            while (true)
            {
                while (more && window.Count < Options.MaxChunksInFlight)
                {
                    more = await chunks.MoveNextAsync().ConfigureAwait(false);
                    if (more)
                    {
                        var chunk = chunks.Current;
                        window.Enqueue((chunk, calls.CallAsync(chunk, null, null, retryQueueFull: true, job.Token)));
                    }
                }

                if (window.Count == 0)
                {
                    yield break;
                }

                var (sent, pending) = window.Dequeue();
                var reply = await Await(pending, cancellationToken).ConfigureAwait(false);
                CheckCount(reply, sent.Length);
                Remember(reply);
                var created = DateTimeOffset.UtcNow;
                for (var i = 0; i < sent.Length; i++)
                {
                    yield return reply.Embedding(i, created);
                }

                rows += sent.Length;
                handed++;
                progress?.Report(new BulkEmbeddingProgress(rows, handed, calls.Retries, calls.DuplicatesDropped));
            }
        }
        finally
        {
            await job.CancelAsync().ConfigureAwait(false);
            foreach (var (_, pending) in window)
            {
                _ = pending.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            await chunks.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Awaits a chunk; a cancellation caused by disposal (not by the caller) becomes <see cref="ObjectDisposedException"/>.</summary>
    private async Task<EmbeddingReply> Await(Task<EmbeddingReply> pending, CancellationToken cancellationToken)
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(BertEmbeddingClusterGenerator), "The generator was disposed while the bulk job ran.");
        }
    }
}

using Microsoft.Extensions.AI;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Sentence embeddings from an Orleans cluster whose silos host the model (<c>siloBuilder.AddBertEmbedding(...)</c>): the
/// same Microsoft.Extensions.AI <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> as the in-process
/// <see cref="BertEmbeddingGenerator"/>, so an app moves from one to the other by changing one registration
/// (<c>services.AddBertEmbeddingCluster()</c> instead of <c>services.AddBertEmbeddingGenerator()</c>). Thread-safe.
/// </summary>
/// <remarks>
/// <para><b>Where requests go</b>: each request is one grain call, placed on a silo at random and scored there by that
/// silo's generator together with whatever else that silo is serving; results equal the in-process generator's.</para>
/// <para><b>Failures</b>: bad input throws what the in-process generator throws (<see cref="ArgumentNullException"/> on the
/// client; <see cref="ArgumentException"/> for options the silo's model does not match; <see cref="EmbeddingQueueFullException"/>
/// when the silo's queue rejects). A request whose silo dies, cannot be reached, shuts down or does not answer within
/// <see cref="BertEmbeddingClusterOptions.RequestTimeout"/> is tried again on another silo, up to
/// <see cref="BertEmbeddingClusterOptions.MaxAttempts"/> tries; then it fails with <see cref="TimeoutException"/> (no try
/// answered in time) or the last try's exception (for example <see cref="Orleans.Runtime.SiloUnavailableException"/>).
/// It never waits longer than the tries' timeouts and backoffs together.</para>
/// <para><b>Bulk jobs</b>: <see cref="EmbedManyAsync(IEnumerable{string}, IProgress{BulkEmbeddingProgress}, CancellationToken)"/>
/// streams a corpus through the cluster in chunks and hands back the embeddings in input order.</para>
/// <para><b>Disposal</b> stops new calls and fails the ones in flight with <see cref="ObjectDisposedException"/>; the
/// <see cref="IClusterClient"/> is not disposed (it is the app's).</para>
/// </remarks>
public sealed partial class BertEmbeddingClusterGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly ClusterCalls _calls;
    private readonly CancellationTokenSource _disposed = new();
    private volatile EmbeddingGeneratorMetadata _metadata = new(BertEmbeddingGenerator.ProviderName);

    /// <summary>Creates a generator over a cluster client.</summary>
    /// <param name="client">The app's cluster client (<c>UseOrleansClient</c>, or a silo's own <see cref="IClusterClient"/>).</param>
    /// <param name="options">Timeouts, tries and bulk chunking; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public BertEmbeddingClusterGenerator(IClusterClient client, BertEmbeddingClusterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        options ??= new BertEmbeddingClusterOptions();
        options.Validate();
        Options = options;
        _calls = new ClusterCalls(client, options);
    }

    /// <summary>The options the generator was created with.</summary>
    public BertEmbeddingClusterOptions Options { get; }

    /// <summary>The calls of requests (counters and the test seam live there).</summary>
    internal ClusterCalls Calls => _calls;

    /// <summary>Embeds texts on a silo; embedding <c>i</c> belongs to the <c>i</c>-th value.</summary>
    /// <param name="values">The texts; <see langword="null"/> entries are embedded as the empty text. Read once, when called.</param>
    /// <param name="options">Per-request options: <see cref="EmbeddingGenerationOptions.Dimensions"/> and
    /// <see cref="EmbeddingGenerationOptions.ModelId"/>, when set, must name the silos' model's (others are ignored).</param>
    /// <param name="cancellationToken">Cancels this request, on the silo too.</param>
    /// <returns>One embedding per text, in order, with the tokens read in <see cref="GeneratedEmbeddings{TEmbedding}.Usage"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> asks for other dimensions or another model.</exception>
    /// <exception cref="EmbeddingQueueFullException">The silo's queue is full and it rejects (<see cref="QueueFullMode.Reject"/>).</exception>
    /// <exception cref="TimeoutException">No try was answered within <see cref="BertEmbeddingClusterOptions.RequestTimeout"/>.</exception>
    /// <exception cref="ObjectDisposedException">The generator is disposed (or was disposed while the request ran).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        CheckAgainstKnownModel(options);
        string?[] texts = [.. values];
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<GeneratedEmbeddings<Embedding<float>>>(cancellationToken);
        }

        if (texts.Length == 0)
        {
            return Task.FromResult(new GeneratedEmbeddings<Embedding<float>> { Usage = new UsageDetails { InputTokenCount = 0, TotalTokenCount = 0 } });
        }

        return GenerateCore(texts, options, cancellationToken);
    }

    /// <summary>
    /// Returns the generator's <see cref="EmbeddingGeneratorMetadata"/> (provider "MLNet.Gelu"; the model's name and
    /// dimensions once a silo has answered), or the generator itself for a type it is; <see langword="null"/> for anything
    /// else and for any <paramref name="serviceKey"/>.
    /// </summary>
    /// <param name="serviceType">The type asked for.</param>
    /// <param name="serviceKey">A key; this generator has no keyed services.</param>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is <see langword="null"/>.</exception>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        EmbeddingGeneratorChecks.GetService(this, serviceType, serviceKey, _metadata, model: null);

    /// <summary>Stops accepting calls and fails those in flight with <see cref="ObjectDisposedException"/>. The cluster client stays open.</summary>
    public void Dispose() => _disposed.Cancel();

    private async Task<GeneratedEmbeddings<Embedding<float>>> GenerateCore(string?[] texts, EmbeddingGenerationOptions? options, CancellationToken cancellationToken)
    {
        using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        EmbeddingReply reply;
        try
        {
            reply = await _calls.CallAsync(texts, options?.Dimensions, options?.ModelId, retryQueueFull: false, call.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(BertEmbeddingClusterGenerator), "The generator was disposed while this request ran.");
        }

        Remember(reply);
        var created = DateTimeOffset.UtcNow;
        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Length)
        {
            Usage = new UsageDetails { InputTokenCount = reply.InputTokens, TotalTokenCount = reply.InputTokens },
        };
        CheckCount(reply, texts.Length);
        for (var i = 0; i < texts.Length; i++)
        {
            result.Add(reply.Embedding(i, created));
        }

        return result;
    }

    /// <summary>Checks options against the silos' model when a silo has named it; otherwise the silo checks them.</summary>
    private void CheckAgainstKnownModel(EmbeddingGenerationOptions? options) =>
        EmbeddingGeneratorChecks.CheckOptions(options, _metadata.DefaultModelId, _metadata.DefaultModelDimensions);

    private void Remember(EmbeddingReply reply)
    {
        if (_metadata.DefaultModelId is null && reply.ModelId is not null)
        {
            _metadata = new EmbeddingGeneratorMetadata(BertEmbeddingGenerator.ProviderName, null, reply.ModelId, reply.Dimension);
        }
    }

    private static void CheckCount(EmbeddingReply reply, int expected)
    {
        if (reply.Count != expected || reply.Vectors.Length != expected * reply.Dimension)
        {
            throw new InvalidOperationException($"A silo ({reply.Silo}) answered {reply.Count} vectors for {expected} texts.");
        }
    }
}

using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Sentence embeddings as a service: a Microsoft.Extensions.AI <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> whose
/// concurrent callers share model runs. Requests are queued; one scoring loop takes whatever is waiting whenever the model
/// is free (the texts of many requests), tokenizes it, sorts it by length, cuts it into the batches that pad least under
/// the token budget, runs them, and completes each request with its own vectors in its own order. Thread-safe; dispose it
/// to free the session.
/// </summary>
/// <remarks>
/// <para><b>Results</b> equal <see cref="BertEmbedder.Embed(string?)"/> of each text alone (within 1e-5), whatever shared
/// its batch; <see langword="null"/> entries are embedded as the empty text. <see cref="GeneratedEmbeddings{TEmbedding}.Usage"/>
/// reports the tokens the model read (<c>[CLS]</c> and <c>[SEP]</c> included, every window of a chunked text).</para>
/// <para><b>Latency</b>: an idle generator starts a request at once (with the default
/// <see cref="BertEmbeddingGeneratorOptions.MaxQueueDelay"/> of zero); requests that arrive while the model runs are
/// scored together in the next round. A request with more texts than <see cref="BertEmbeddingGeneratorOptions.WindowSize"/>
/// is scored window by window, taking turns with the requests behind it, so a round's memory is bounded by the window.</para>
/// <para><b>Backpressure</b>: at most <see cref="BertEmbeddingGeneratorOptions.MaxQueuedTexts"/> texts wait; a request
/// that does not fit waits (first come first admitted) or, with <see cref="QueueFullMode.Reject"/>, throws
/// <see cref="EmbeddingQueueFullException"/>.</para>
/// <para><b>Cancellation</b>: a request cancelled while it waits leaves the queue and costs no model work; one
/// cancelled while its batch runs completes as cancelled at once, and the batch finishes for the others. Either way the
/// caller gets an <see cref="OperationCanceledException"/>.</para>
/// <para><b>Failures</b>: when a model run fails, each request that shared it is scored alone once more; a request that
/// fails alone gets that exception (the whole request fails), the others succeed, and the generator keeps serving. A run
/// that held a single request is not retried.</para>
/// <para><b>Disposal</b> (<see cref="Dispose"/> or <see cref="DisposeAsync"/>): later calls throw
/// <see cref="ObjectDisposedException"/>; requests still queued or waiting for room fail with
/// <see cref="ObjectDisposedException"/> at once; the running round finishes and its requests complete (those with texts
/// still queued fail); then the session is disposed. Disposal waits for the running round.</para>
/// <para><b>Logging</b> through <see cref="BertEmbedderOptions.Logger"/> (none by default), each event with a stable id:
/// 1 <c>ExecutionProviderFallback</c> (warning), 101 <c>RequestRejected</c> (warning, one per rejected request), 102
/// <c>BatchFailed</c> (warning: a run shared by several requests failed and each is retried alone), 103
/// <c>RequestFailed</c> (error, with the exception), 104 <c>RequestsFailedByDispose</c> (warning) and 105
/// <c>ScoringLoopStopped</c> (critical). An event is logged before the caller it concerns sees the outcome.</para>
/// <para><b>Metrics</b> on the meter <see cref="MeterName"/> (from <see cref="BertEmbeddingGeneratorOptions.MeterFactory"/>, else
/// a process-wide meter), each measurement tagged <c>gen_ai.request.model</c> = the model's name:
/// <c>mlnet.gelu.embedding.requests</c> (counter, <c>{request}</c>: calls that reached the open queue, rejected ones
/// included), <c>mlnet.gelu.embedding.rejected_requests</c> (counter, <c>{request}</c>),
/// <c>mlnet.gelu.embedding.queue.length</c> (up-down counter, <c>{text}</c>: texts admitted and not yet taken into a round),
/// <c>mlnet.gelu.embedding.request.duration</c> (histogram, <c>s</c>: from the call to the outcome of each accepted
/// request; a failed or cancelled one is tagged <c>error.type</c> = the exception's full name), and per model run (a
/// round, or a retry alone: the texts handed to the model together, which it cuts into batches under the token budget)
/// <c>mlnet.gelu.embedding.batch.rows</c> (histogram, <c>{row}</c>: texts), <c>mlnet.gelu.embedding.batch.tokens</c>
/// (histogram, <c>{token}</c>: tokens read, padding excluded) and <c>mlnet.gelu.embedding.batch.padding</c> (histogram,
/// <c>1</c>: padded positions over all positions), recorded for runs that complete.</para>
/// <para><b>Tracing</b>: one span <c>mlnet.gelu.embedding.batch</c> per model run on the <see cref="ActivitySourceName"/>
/// source, tagged with the model and the run's <c>rows</c>, <c>tokens</c>, <c>padding</c>, <c>requests</c> and
/// <c>retry</c> (under <c>mlnet.gelu.embedding.batch.</c>), linked to the span each of its requests was made in; a run
/// that fails ends with an error status, <c>error.type</c> and the exception as an event. The spans are roots: a run
/// serves many callers.</para>
/// </remarks>
/// <example>
/// <code>
/// using var generator = new BertEmbeddingGenerator();     // all-MiniLM-L6-v2, embedded
/// var embeddings = await generator.GenerateAsync(["a cat", "a dog"]);
/// ReadOnlyMemory&lt;float&gt; cat = embeddings[0].Vector;  // 384 floats, unit length
/// </code>
/// </example>
public sealed class BertEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>, IAsyncDisposable
{
    /// <summary>The provider name <see cref="EmbeddingGeneratorMetadata.ProviderName"/> reports.</summary>
    internal const string ProviderName = "MLNet.Gelu";

    /// <summary>
    /// The name of the <see cref="System.Diagnostics.Metrics.Meter"/> the generator measures on, "MLNet.Gelu.Bert": subscribe
    /// with it (OpenTelemetry's <c>AddMeter</c>, <c>dotnet-counters --counters MLNet.Gelu.Bert</c>, a <c>MeterListener</c>).
    /// The instruments are listed in the remarks of <see cref="BertEmbeddingGenerator"/>.
    /// </summary>
    public const string MeterName = "MLNet.Gelu.Bert";

    /// <summary>
    /// The name of the <see cref="System.Diagnostics.ActivitySource"/> whose spans (one per model run) the generator
    /// starts, "MLNet.Gelu.Bert": subscribe with it (OpenTelemetry's <c>AddSource</c>, an <c>ActivityListener</c>).
    /// </summary>
    public const string ActivitySourceName = "MLNet.Gelu.Bert";

    private readonly BertScorer _scorer;
    private readonly EmbeddingCoalescer _coalescer;
    private readonly EmbeddingGeneratorMetadata _metadata;

    /// <summary>Creates a generator over the embedded all-MiniLM-L6-v2 (<see cref="BertModel.AllMiniLmL6V2"/>) with the default options.</summary>
    /// <exception cref="BertModelException">The app lacks the <c>MLNet.Gelu.Bert.MiniLM</c> package.</exception>
    /// <exception cref="OnnxRuntimeNotFoundException">The app carries no ONNX Runtime native library.</exception>
    public BertEmbeddingGenerator()
        : this(null, null)
    {
    }

    /// <summary>Creates a generator.</summary>
    /// <param name="model">The model; <see langword="null"/> for the embedded all-MiniLM-L6-v2 (<see cref="BertModel.AllMiniLmL6V2"/>).</param>
    /// <param name="options">The queue and every <see cref="BertEmbedderOptions"/> setting; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    /// <exception cref="BertModelException">No model was given and the app lacks the <c>MLNet.Gelu.Bert.MiniLM</c> package.</exception>
    /// <exception cref="OnnxRuntimeNotFoundException">The app carries no ONNX Runtime native library.</exception>
    /// <exception cref="ExecutionProviderUnavailableException">The execution provider is not available and
    /// <see cref="BertEmbedderOptions.FallbackToCpu"/> is off.</exception>
    public BertEmbeddingGenerator(BertModel? model, BertEmbeddingGeneratorOptions? options = null)
        : this(model, options, TimeProvider.System)
    {
    }

    /// <summary>Creates a generator on a given clock (tests use a fake one for <see cref="BertEmbeddingGeneratorOptions.MaxQueueDelay"/>).</summary>
    internal BertEmbeddingGenerator(BertModel? model, BertEmbeddingGeneratorOptions? options, TimeProvider time)
    {
        options ??= new BertEmbeddingGeneratorOptions();
        options.Validate();
        Options = options;
        _scorer = new BertScorer(model ?? BertModel.AllMiniLmL6V2(), options, nameof(BertEmbeddingGenerator));
        _metadata = new EmbeddingGeneratorMetadata(ProviderName, null, _scorer.Model.Name, _scorer.Session.Dimension);
        try
        {
            var telemetry = new EmbeddingTelemetry(options.MeterFactory, _scorer.Model.Name);
            _coalescer = new EmbeddingCoalescer(_scorer, options, time, options.Logger ?? NullLogger.Instance, telemetry);
        }
        catch
        {
            _scorer.Dispose();
            throw;
        }
    }

    /// <summary>The model the session runs: the options' overrides applied and, with an activation rewrite, the graph rewritten.</summary>
    public BertModel Model => _scorer.Model;

    /// <summary>Where the model runs: the provider asked for, or <see cref="BertExecutionProvider.Cpu"/> after a fallback.</summary>
    public BertExecutionProvider ExecutionProvider => _scorer.Session.ExecutionProvider;

    /// <summary>The length of each embedding.</summary>
    public int Dimension => _scorer.Session.Dimension;

    /// <summary>The options the generator was created with.</summary>
    public BertEmbeddingGeneratorOptions Options { get; }

    /// <summary>The queue and scoring loop (counters and the test seam live there).</summary>
    internal EmbeddingCoalescer Coalescer => _coalescer;

    /// <summary>Embeds texts; embedding <c>i</c> belongs to the <c>i</c>-th value.</summary>
    /// <param name="values">The texts; <see langword="null"/> entries are embedded as the empty text. Read once, when called.</param>
    /// <param name="options">Per-request options: <see cref="EmbeddingGenerationOptions.Dimensions"/> and
    /// <see cref="EmbeddingGenerationOptions.ModelId"/>, when set, must name this generator's (others are ignored).</param>
    /// <param name="cancellationToken">Cancels this request only.</param>
    /// <returns>One embedding per text, in order, with the tokens read in <see cref="GeneratedEmbeddings{TEmbedding}.Usage"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> asks for other dimensions or another model.</exception>
    /// <exception cref="EmbeddingQueueFullException">The queue is full and <see cref="BertEmbeddingGeneratorOptions.QueueFullMode"/> is <see cref="QueueFullMode.Reject"/>.</exception>
    /// <exception cref="ObjectDisposedException">The generator is disposed (or was disposed while the request waited).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        EmbeddingGeneratorChecks.CheckOptions(options, _metadata.DefaultModelId, Dimension);
        string?[] texts = [.. values];
        return cancellationToken.IsCancellationRequested
            ? Task.FromCanceled<GeneratedEmbeddings<Embedding<float>>>(cancellationToken)
            : _coalescer.Submit(texts, cancellationToken);
    }

    /// <summary>
    /// Returns the generator's <see cref="EmbeddingGeneratorMetadata"/> (provider "MLNet.Gelu", the model's name, its
    /// dimensions), its <see cref="BertModel"/>, or the generator itself for a type it is; <see langword="null"/> for
    /// anything else and for any <paramref name="serviceKey"/>.
    /// </summary>
    /// <param name="serviceType">The type asked for.</param>
    /// <param name="serviceKey">A key; this generator has no keyed services.</param>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is <see langword="null"/>.</exception>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        EmbeddingGeneratorChecks.GetService(this, serviceType, serviceKey, _metadata, Model);

    /// <summary>Stops accepting requests, fails the queued ones with <see cref="ObjectDisposedException"/>, waits for the
    /// running round, and disposes the session.</summary>
    public void Dispose() => _coalescer.CloseAndWait();

    /// <summary>As <see cref="Dispose"/>, waiting for the running round asynchronously.</summary>
    /// <returns>A task that completes once the session is disposed.</returns>
    public async ValueTask DisposeAsync() => await _coalescer.Close().ConfigureAwait(false);
}

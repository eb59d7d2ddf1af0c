using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MLNet.Gelu.Bert;

/// <summary>
/// The metrics and traces of one <see cref="BertEmbeddingGenerator"/>: OpenTelemetry-style instruments on the meter
/// <see cref="BertEmbeddingGenerator.MeterName"/> (from the options' <see cref="BertEmbeddingGeneratorOptions.MeterFactory"/>,
/// else one process-wide meter) and one span per model run on <see cref="BertEmbeddingGenerator.ActivitySourceName"/>.
/// Every measurement carries the model's name as <see cref="ModelTag"/>. Instruments are shared by every generator on
/// the same meter (a meter returns the instrument it already has for a name), so creating generators leaks nothing.
/// </summary>
internal sealed class EmbeddingTelemetry
{
    /// <summary>Requests received (counter, <c>{request}</c>): every call that reached an open queue, rejected ones included.</summary>
    public const string Requests = "mlnet.gelu.embedding.requests";

    /// <summary>Requests rejected because the queue was full (counter, <c>{request}</c>).</summary>
    public const string RejectedRequests = "mlnet.gelu.embedding.rejected_requests";

    /// <summary>Texts admitted and not yet taken into a scoring round (up-down counter, <c>{text}</c>).</summary>
    public const string QueueLength = "mlnet.gelu.embedding.queue.length";

    /// <summary>From the call to its outcome, for each request the queue accepted (histogram, seconds).</summary>
    public const string RequestDuration = "mlnet.gelu.embedding.request.duration";

    /// <summary>Texts one model run held (histogram, <c>{row}</c>).</summary>
    public const string BatchRows = "mlnet.gelu.embedding.batch.rows";

    /// <summary>Tokens one model run read, padding excluded (histogram, <c>{token}</c>).</summary>
    public const string BatchTokens = "mlnet.gelu.embedding.batch.tokens";

    /// <summary>Padded positions over all positions of one model run (histogram, 1).</summary>
    public const string BatchPadding = "mlnet.gelu.embedding.batch.padding";

    /// <summary>Requests whose texts one model run held (span tag).</summary>
    public const string BatchRequests = "mlnet.gelu.embedding.batch.requests";

    /// <summary>Whether a model run is the retry alone of a request whose shared run failed (span tag).</summary>
    public const string BatchRetry = "mlnet.gelu.embedding.batch.retry";

    /// <summary>The span of one model run.</summary>
    public const string BatchActivity = "mlnet.gelu.embedding.batch";

    /// <summary>The model's name (OpenTelemetry's generative-AI attribute), on every measurement and span.</summary>
    public const string ModelTag = "gen_ai.request.model";

    /// <summary>The full name of the exception a failed request or run ended with (OpenTelemetry's attribute).</summary>
    public const string ErrorTypeTag = "error.type";

    private static readonly string? Version = typeof(EmbeddingTelemetry).Assembly.GetName().Version?.ToString();

    /// <summary>The spans of every generator.</summary>
    internal static readonly ActivitySource Source = new(BertEmbeddingGenerator.ActivitySourceName, Version);

    /// <summary>The instruments of generators created without a meter factory: one meter for the process, never disposed.</summary>
    private static readonly Lazy<Instruments> Shared = new(() => new Instruments(new Meter(BertEmbeddingGenerator.MeterName, Version)));

    private readonly Instruments _instruments;
    private readonly KeyValuePair<string, object?> _model;

    /// <summary>Creates the telemetry of one generator.</summary>
    /// <param name="meterFactory">Where the meter comes from (a DI container's); <see langword="null"/> for the process-wide meter.</param>
    /// <param name="modelName">The model's name, tagged on everything.</param>
    public EmbeddingTelemetry(IMeterFactory? meterFactory, string modelName)
    {
        _instruments = meterFactory is null
            ? Shared.Value
            : new Instruments(meterFactory.Create(new MeterOptions(BertEmbeddingGenerator.MeterName) { Version = Version }));
        _model = new(ModelTag, modelName);
    }

    /// <summary>Whether anyone listens to the spans (then a request remembers its caller's span for the run's links).</summary>
    public static bool Tracing => Source.HasListeners();

    public void RequestReceived() => _instruments.Requests.Add(1, _model);

    public void RequestRejected() => _instruments.Rejected.Add(1, _model);

    /// <summary>The queue grew (positive) or shrank (negative) by this many texts.</summary>
    public void Queued(int texts)
    {
        if (texts != 0)
        {
            _instruments.QueueLength.Add(texts, _model);
        }
    }

    /// <summary>A request ended: <paramref name="error"/> is <see langword="null"/> on success, the exception's type otherwise.</summary>
    public void RequestEnded(TimeSpan duration, Type? error)
    {
        if (error is null)
        {
            _instruments.RequestDuration.Record(duration.TotalSeconds, _model);
        }
        else
        {
            _instruments.RequestDuration.Record(duration.TotalSeconds, _model, new KeyValuePair<string, object?>(ErrorTypeTag, error.FullName));
        }
    }

    /// <summary>Starts the span of a model run, linked to the spans its requests were made in; <see langword="null"/> when
    /// nobody listens.</summary>
    public Activity? StartBatch(int rows, long tokens, int requests, bool retry, IEnumerable<ActivityLink>? links)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        TagList tags = [_model, new(BatchRows, rows), new(BatchTokens, tokens), new(BatchRequests, requests), new(BatchRetry, retry)];
        return Source.StartActivity(ActivityKind.Internal, parentContext: default, tags, links, name: BatchActivity);
    }

    /// <summary>A model run completed: records its rows, tokens and padding, and ends its span.</summary>
    public void BatchScored(Activity? activity, int rows, BertRunShape shape)
    {
        _instruments.BatchRows.Record(rows, _model);
        _instruments.BatchTokens.Record(shape.Tokens, _model);
        _instruments.BatchPadding.Record(shape.PaddingFraction, _model);
        if (activity is not null)
        {
            activity.SetTag(BatchPadding, shape.PaddingFraction);
            activity.Stop();
        }
    }

    /// <summary>A model run failed: its span ends with an error status and the exception.</summary>
    public static void BatchFailed(Activity? activity, Exception error)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, error.Message);
        activity.SetTag(ErrorTypeTag, error.GetType().FullName);
        activity.AddException(error);
        activity.Stop();
    }

    /// <summary>The instruments of one meter.</summary>
    private sealed class Instruments(Meter meter)
    {
        private static readonly InstrumentAdvice<double> DurationBuckets = new()
        {
            HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10],
        };

        private static readonly InstrumentAdvice<int> RowBuckets = new() { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] };

        private static readonly InstrumentAdvice<long> TokenBuckets = new()
        {
            HistogramBucketBoundaries = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536],
        };

        private static readonly InstrumentAdvice<double> FractionBuckets = new()
        {
            HistogramBucketBoundaries = [0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
        };

        public Counter<long> Requests { get; } = meter.CreateCounter<long>(
            EmbeddingTelemetry.Requests, "{request}", "Embedding requests received, rejected ones included.");

        public Counter<long> Rejected { get; } = meter.CreateCounter<long>(
            RejectedRequests, "{request}", "Embedding requests rejected because the queue was full (QueueFullMode.Reject).");

        public UpDownCounter<long> QueueLength { get; } = meter.CreateUpDownCounter<long>(
            EmbeddingTelemetry.QueueLength, "{text}", "Texts admitted to the queue and not yet taken into a scoring round.");

        public Histogram<double> RequestDuration { get; } = meter.CreateHistogram(
            EmbeddingTelemetry.RequestDuration, "s", "Time from the call to the outcome of each accepted embedding request.", tags: null, DurationBuckets);

        public Histogram<int> BatchRows { get; } = meter.CreateHistogram(
            EmbeddingTelemetry.BatchRows, "{row}", "Texts per model run.", tags: null, RowBuckets);

        public Histogram<long> BatchTokens { get; } = meter.CreateHistogram(
            EmbeddingTelemetry.BatchTokens, "{token}", "Tokens the model read per run, padding excluded.", tags: null, TokenBuckets);

        public Histogram<double> BatchPadding { get; } = meter.CreateHistogram(
            EmbeddingTelemetry.BatchPadding, "1", "Padded positions over all positions of a model run.", tags: null, FractionBuckets);
    }
}

using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Everything a <see cref="BertEmbeddingGenerator"/> can be told: the scoring options it shares with
/// <see cref="BertEmbedder"/> (<see cref="BertEmbedderOptions"/>), plus its request queue. Every property has a documented
/// default; <c>new BertEmbeddingGeneratorOptions()</c> serves requests as soon as the model is free, queues up to 4,096
/// texts and makes callers wait when the queue is full.
/// </summary>
public sealed record BertEmbeddingGeneratorOptions : BertEmbedderOptions
{
    /// <summary>The longest <see cref="MaxQueueDelay"/> accepted: one minute (a queue delay is meant in milliseconds).</summary>
    private static readonly TimeSpan LongestQueueDelay = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The most texts that may wait in the queue (texts already taken into a scoring round no longer count). A request
    /// that does not fit waits or is rejected (<see cref="QueueFullMode"/>). A request larger than this limit is admitted
    /// only when nothing else is queued, then is scored window by window like any other. Default 4096.
    /// </summary>
    public int MaxQueuedTexts { get; init; } = 4096;

    /// <summary>What a request that does not fit the queue does: <see cref="QueueFullMode.Wait"/> (default) or
    /// <see cref="QueueFullMode.Reject"/> (throws <see cref="EmbeddingQueueFullException"/>).</summary>
    public QueueFullMode QueueFullMode { get; init; } = QueueFullMode.Wait;

    /// <summary>
    /// How long the scoring loop may hold queued texts, when the model is free, hoping for a fuller window: it starts a
    /// round once <see cref="WindowSize"/> texts are waiting or the oldest has waited this long. Default
    /// <see cref="TimeSpan.Zero"/>: a request starts as soon as the model is free, so an idle service adds no wait
    /// (requests that arrive while the model runs are batched together anyway). A few milliseconds trade latency for
    /// throughput when requests arrive at a steady rate. 0 to 1 minute.
    /// </summary>
    public TimeSpan MaxQueueDelay { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// The most texts one scoring round takes from the queue (from one request or many), tokenizes, sorts by length and
    /// cuts into batches under <see cref="BertEmbedderOptions.TokenBudget"/>. It bounds the memory of a round, and the
    /// wait of a request that arrives while a large one is being scored: a request with more texts is scored over
    /// several rounds, taking turns with the requests queued behind it. Default 256.
    /// </summary>
    public int WindowSize { get; init; } = 256;

    /// <summary>
    /// Where the generator's meter (<see cref="BertEmbeddingGenerator.MeterName"/>) comes from: a DI container's
    /// <see cref="IMeterFactory"/> (<c>AddBertEmbeddingGenerator</c> passes the container's), so that its measurements
    /// reach only that container's listeners and the meter is disposed with it. Default <see langword="null"/>: one
    /// process-wide meter of that name, shared by every generator created without a factory. Not bound from configuration.
    /// </summary>
    public IMeterFactory? MeterFactory { get; init; }

    /// <summary>
    /// Reads options from a configuration section whose keys are the property names, for example
    /// <c>{ "TokenBudget": 2048, "MaxQueuedTexts": 1000, "QueueFullMode": "Reject", "MaxQueueDelay": "00:00:00.005",
    /// "ExecutionProvider": "Cuda", "FallbackToCpu": true, "ProviderOptions": { "gpu_mem_limit": "4294967296" } }</c>:
    /// every scalar property (numbers, flags, enum names, <see cref="TimeSpan"/>s as <c>hh:mm:ss.fff</c>) and the two string
    /// dictionaries; a property the section does not name keeps its default. <see cref="BertEmbedderOptions.Logger"/> and
    /// <see cref="MeterFactory"/> are not configuration (a container supplies them).
    /// </summary>
    /// <param name="configuration">The section (or any configuration whose keys are the property names).</param>
    /// <returns>The options, validated.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configuration"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; <see cref="ArgumentException.ParamName"/> is its key.</exception>
    /// <exception cref="InvalidOperationException">A key names no option, or its value cannot be read as the option's type;
    /// the message names the key.</exception>
    public static BertEmbeddingGeneratorOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.Get<BertEmbeddingGeneratorOptions>(binder => binder.ErrorOnUnknownConfiguration = true) ?? new BertEmbeddingGeneratorOptions();
        options.Validate();
        return options;
    }

    /// <inheritdoc/>
    internal override void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQueuedTexts, 1, nameof(MaxQueuedTexts));
        ArgumentOutOfRangeException.ThrowIfLessThan(WindowSize, 1, nameof(WindowSize));
        if (!Enum.IsDefined(QueueFullMode))
        {
            throw new ArgumentOutOfRangeException(nameof(QueueFullMode), QueueFullMode,
                $"Unknown queue-full mode; use one of {string.Join(", ", Enum.GetNames<QueueFullMode>())}.");
        }

        if (MaxQueueDelay < TimeSpan.Zero || MaxQueueDelay > LongestQueueDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxQueueDelay), MaxQueueDelay,
                $"MaxQueueDelay must lie between zero (the default: no added wait) and {LongestQueueDelay}.");
        }

        base.Validate();
    }
}

using Microsoft.Extensions.Options;
using MLNet.Gelu.Bert;

namespace EmbeddingService;

/// <summary>
/// The service's settings, read from the <c>EmbeddingService</c> section of the configuration: appsettings.json,
/// environment variables (<c>EmbeddingService__MaxInputs=64</c>) or the command line
/// (<c>--EmbeddingService:MaxInputs=64</c>). Every property has a default, so the section may be left out.
/// </summary>
public sealed class EmbeddingServiceOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string SectionName = "EmbeddingService";

    /// <summary>
    /// The model name the service answers to: a request's <c>model</c>, when set, must be this, and every answer names
    /// it. Default <c>all-MiniLM-L6-v2</c> (the embedded model); empty for the generator's own model id.
    /// </summary>
    public string ModelName { get; set; } = "all-MiniLM-L6-v2";

    /// <summary>The most inputs (texts) one request may carry; a request with more gets 413. Default 2048, as OpenAI.</summary>
    public int MaxInputs { get; set; } = 2048;

    /// <summary>The largest request body, in bytes; a larger one gets 413. Default 8 MiB.</summary>
    public long MaxRequestBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// The most texts that may wait for the model (<see cref="BertEmbeddingGeneratorOptions.MaxQueuedTexts"/>). The
    /// service rejects a request that does not fit (<see cref="QueueFullMode.Reject"/>) with 429 and a
    /// <c>Retry-After</c> header instead of letting it wait. Default 4096.
    /// </summary>
    public int MaxQueuedTexts { get; set; } = 4096;

    /// <summary>How long queued texts may wait for a fuller window when the model is free
    /// (<see cref="BertEmbeddingGeneratorOptions.MaxQueueDelay"/>). Default zero: no added wait.</summary>
    public TimeSpan MaxQueueDelay { get; set; } = TimeSpan.Zero;

    /// <summary>The most texts one scoring round takes (<see cref="BertEmbeddingGeneratorOptions.WindowSize"/>). Default 256.</summary>
    public int WindowSize { get; set; } = 256;

    /// <summary>Threads one model run may use (<see cref="BertEmbedderOptions.IntraOpThreads"/>); 0 (default) lets ONNX Runtime choose.</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>The seconds a 429 (queue full) or 503 (model still loading) answer asks the client to wait in <c>Retry-After</c>. Default 1.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>The generator options these settings describe: the queue settings, with <see cref="QueueFullMode.Reject"/>.</summary>
    /// <returns>Options for <see cref="BertEmbeddingGenerator"/>.</returns>
    public BertEmbeddingGeneratorOptions ToGeneratorOptions() => new()
    {
        MaxQueuedTexts = MaxQueuedTexts,
        QueueFullMode = QueueFullMode.Reject,
        MaxQueueDelay = MaxQueueDelay,
        WindowSize = WindowSize,
        IntraOpThreads = IntraOpThreads,
    };
}

/// <summary>Checks the limits the service itself enforces when the app starts (the generator checks its own options).</summary>
internal sealed class EmbeddingServiceOptionsValidator : IValidateOptions<EmbeddingServiceOptions>
{
    public ValidateOptionsResult Validate(string? name, EmbeddingServiceOptions options)
    {
        List<string> problems = [];
        if (options.MaxInputs < 1)
        {
            problems.Add($"{EmbeddingServiceOptions.SectionName}:MaxInputs = {options.MaxInputs}; it must be at least 1.");
        }

        if (options.MaxRequestBytes < 1)
        {
            problems.Add($"{EmbeddingServiceOptions.SectionName}:MaxRequestBytes = {options.MaxRequestBytes}; it must be at least 1.");
        }

        if (options.RetryAfterSeconds < 0)
        {
            problems.Add($"{EmbeddingServiceOptions.SectionName}:RetryAfterSeconds = {options.RetryAfterSeconds}; it must be 0 or more.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

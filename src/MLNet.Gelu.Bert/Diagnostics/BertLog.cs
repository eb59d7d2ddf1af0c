using Microsoft.Extensions.Logging;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Every event the library logs, source-generated (<see cref="LoggerMessageAttribute"/>) so that a disabled level costs
/// one check. The event ids are part of the contract (filters and alerts name them): never renumber one, only add.
/// </summary>
internal static partial class BertLog
{
    /// <summary>The session runs on the CPU because the provider asked for is not in this app's ONNX Runtime.</summary>
    [LoggerMessage(EventId = 1, EventName = "ExecutionProviderFallback", Level = LogLevel.Warning,
        Message = "{ModelName}: the {Provider} execution provider is not available ({Reason}); falling back to the CPU as FallbackToCpu asks. " +
            "For that provider, an app references {Package}.")]
    public static partial void ExecutionProviderFallback(ILogger logger, string modelName, BertExecutionProvider provider, string reason, string package);

    /// <summary>A request did not fit the queue and <see cref="QueueFullMode.Reject"/> turned it away.</summary>
    [LoggerMessage(EventId = 101, EventName = "RequestRejected", Level = LogLevel.Warning,
        Message = "{ModelName}: rejected a request of {RequestedTexts} texts: {QueuedTexts} texts are queued and MaxQueuedTexts is {MaxQueuedTexts} (QueueFullMode.Reject).")]
    public static partial void RequestRejected(ILogger logger, string modelName, int requestedTexts, int queuedTexts, int maxQueuedTexts);

    /// <summary>A model run shared by several requests failed; each is scored alone once more.</summary>
    [LoggerMessage(EventId = 102, EventName = "BatchFailed", Level = LogLevel.Warning,
        Message = "{ModelName}: a model run of {Texts} texts from {Requests} requests failed; scoring each request alone once more.")]
    public static partial void BatchFailed(ILogger logger, Exception error, string modelName, int texts, int requests);

    /// <summary>A request failed because its model run failed (alone, or in a run it had to itself).</summary>
    [LoggerMessage(EventId = 103, EventName = "RequestFailed", Level = LogLevel.Error,
        Message = "{ModelName}: a request of {Texts} texts failed: its model run failed with no other request in it.")]
    public static partial void RequestFailed(ILogger logger, Exception error, string modelName, int texts);

    /// <summary>Disposal failed the requests still queued or waiting for room.</summary>
    [LoggerMessage(EventId = 104, EventName = "RequestsFailedByDispose", Level = LogLevel.Warning,
        Message = "{ModelName}: the generator was disposed with {Requests} requests ({Texts} texts) unfinished; they fail with ObjectDisposedException.")]
    public static partial void RequestsFailedByDispose(ILogger logger, string modelName, int requests, int texts);

    /// <summary>The scoring loop stopped on an error no request owned; the generator serves no more.</summary>
    [LoggerMessage(EventId = 105, EventName = "ScoringLoopStopped", Level = LogLevel.Critical,
        Message = "{ModelName}: the scoring loop stopped on an unexpected error; {Requests} requests fail and the generator must be replaced.")]
    public static partial void ScoringLoopStopped(ILogger logger, Exception error, string modelName, int requests);
}

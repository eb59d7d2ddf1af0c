using Microsoft.Extensions.Logging;

namespace MLNet.Gelu.Bert;

/// <summary>
/// The events the Orleans package logs on silos, source-generated so that a disabled level costs one check. Event ids
/// start at 201 (the core library's end below); never renumber one, only add.
/// </summary>
internal static partial class ClusterLog
{
    /// <summary>A client's call (a request, or one chunk of a bulk job) reached this silo's grain and is being scored here.</summary>
    [LoggerMessage(EventId = 201, EventName = "EmbeddingCallStarted", Level = LogLevel.Debug,
        Message = "A call of {Texts} texts started on silo {Silo}.")]
    public static partial void EmbeddingCallStarted(ILogger logger, int texts, string silo);
}

using Microsoft.Extensions.Logging;
using Microsoft.ML.Runtime;

namespace MLNet.Gelu.Bert;

/// <summary>
/// An <see cref="ILogger"/> over ML.NET's own channel, so that the <c>ScoreBert</c> transform, when the options name no
/// <see cref="BertEmbedderOptions.Logger"/>, reports where every ML.NET component does: <c>MLContext.Log</c> (source
/// <c>ScoreBert</c>). Levels map to the channel's kinds: warning and above to warning or error, information to info,
/// the rest to trace.
/// </summary>
internal sealed class MLContextLogger : ILogger
{
    /// <summary>The source name the messages carry in <c>MLContext.Log</c>.</summary>
    internal const string Source = "ScoreBert";

    private readonly IHost _host;

    private MLContextLogger(IHostEnvironment environment) => _host = environment.Register(Source);

    /// <summary>The logger over the environment behind an ML.NET catalog, or <see langword="null"/> when this ML.NET keeps
    /// it out of reach (then the transform stays silent, as with no logger).</summary>
    internal static MLContextLogger? Of(object catalog)
    {
        var property = typeof(Microsoft.ML.TransformsCatalog).Assembly.GetType("Microsoft.ML.Data.IInternalCatalog")?.GetProperty("Environment");
        return property?.GetValue(catalog) is IHostEnvironment environment ? new MLContextLogger(environment) : null;
    }

    /// <summary>The logger over an environment (the one that loads a saved transformer).</summary>
    internal static MLContextLogger For(IHostEnvironment environment) => new(environment);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        ArgumentNullException.ThrowIfNull(formatter);
        var message = formatter(state, exception);
        if (exception is not null)
        {
            message += $" ({exception.GetType().Name}: {exception.Message})";
        }

        using var channel = _host.Start(eventId.Name ?? Source);
        switch (logLevel)
        {
            case LogLevel.Critical or LogLevel.Error:
                channel.Error(MessageSensitivity.None, "{0}", message);
                break;
            case LogLevel.Warning:
                channel.Warning(MessageSensitivity.None, "{0}", message);
                break;
            case LogLevel.Information:
                channel.Info(MessageSensitivity.None, "{0}", message);
                break;
            default:
                channel.Trace(MessageSensitivity.None, "{0}", message);
                break;
        }
    }
}

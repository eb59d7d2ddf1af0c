using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using MLNet.Gelu.Bert;

// Listing the providers needs no CUDA libraries; creating a CUDA session does.
Console.WriteLine("providers: " + string.Join(",", OrtEnv.Instance().GetAvailableProviders()));
try
{
    using var embedder = new BertEmbedder(options: new BertEmbedderOptions { ExecutionProvider = BertExecutionProvider.Cuda });
    Console.WriteLine($"cuda: session created, {embedder.Embed("The weather is lovely today.").Length} dimensions");
}
catch (ExecutionProviderUnavailableException e)
{
    // The machine has no GPU or no CUDA libraries: a clear error, never a crash.
    Console.WriteLine($"cuda: {e.GetType().Name}: {e.Message}");
}

// With FallbackToCpu, a CUDA build whose CUDA libraries cannot be loaded counts as "missing": the app runs on the CPU and
// is told why. (A provider that loads and then fails would throw ExecutionProviderFailedException instead.)
var log = new List<string>();
using (var fallback = new BertEmbedder(options: new BertEmbedderOptions { ExecutionProvider = BertExecutionProvider.Cuda, FallbackToCpu = true, Logger = new ListLogger(log) }))
{
    Console.WriteLine($"fallback: {fallback.ExecutionProvider}, {fallback.Embed("The weather is lovely today.").Length} dimensions; log: {string.Join(" | ", log)}");
}

/// <summary>The smallest ILogger: keeps each formatted message (the app has only the logging abstractions).</summary>
internal sealed class ListLogger(List<string> lines) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        lines.Add(formatter(state, exception));
}

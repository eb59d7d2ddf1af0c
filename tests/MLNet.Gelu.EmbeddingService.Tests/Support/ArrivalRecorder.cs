using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace MLNet.Gelu.EmbeddingService.Tests.Support;

/// <summary>
/// Server-side bookkeeping for the shutdown test: a middleware in front of the service's pipeline that records, for
/// each request carrying <see cref="Header"/>, whether the stop had begun when the server started handling it, and the
/// status the service answered with.
/// </summary>
internal sealed class ArrivalRecorder : IStartupFilter
{
    public const string Header = "X-Test-Request";

    private volatile bool _stopBegan;

    /// <summary>Request index → (arrived before the stop began, the service's status).</summary>
    public ConcurrentDictionary<int, (bool BeforeStop, int Status)> Arrivals { get; } = new();

    /// <summary>Marks the moment the test begins to stop the app (set before it asks the host to stop).</summary>
    public void StopBegins() => _stopBegan = true;

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            bool beforeStop = !_stopBegan;
            await nextMiddleware(context);
            if (int.TryParse(context.Request.Headers[Header], CultureInfo.InvariantCulture, out int index))
            {
                Arrivals[index] = (beforeStop, context.Response.StatusCode);
            }
        });
        next(app);
    };
}

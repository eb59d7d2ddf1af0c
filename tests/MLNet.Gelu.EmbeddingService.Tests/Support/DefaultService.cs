namespace MLNet.Gelu.EmbeddingService.Tests.Support;

/// <summary>One service with the default settings and its own generator (2 threads), shared by a test class.</summary>
public sealed class DefaultService : IAsyncLifetime
{
    private RunningService? _running;

    internal RunningService Running => _running ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _running = await RunningService.StartAsync(MiniLm.ServiceSettings);

    public async Task DisposeAsync()
    {
        if (_running is not null)
        {
            await _running.DisposeAsync();
        }
    }
}

namespace MLNet.Gelu.EmbeddingService.Tests.Support;

/// <summary>One service with small limits (4 inputs, 2,048-byte bodies) and its own generator, shared by a test class.</summary>
public sealed class LimitedService : IAsyncLifetime
{
    public const int MaxInputs = 4;
    public const int MaxRequestBytes = 2048;

    private RunningService? _running;

    internal RunningService Running => _running ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _running = await RunningService.StartAsync(
        [.. MiniLm.ServiceSettings, $"--EmbeddingService:MaxInputs={MaxInputs}", $"--EmbeddingService:MaxRequestBytes={MaxRequestBytes}"]);

    public async Task DisposeAsync()
    {
        if (_running is not null)
        {
            await _running.DisposeAsync();
        }
    }
}

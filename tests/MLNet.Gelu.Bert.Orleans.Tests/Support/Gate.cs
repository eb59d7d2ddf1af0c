namespace MLNet.Gelu.Bert.Orleans.Tests.Support;

/// <summary>Holds model runs that reach it until opened (a liveness guard releases them after <see cref="Cluster.Patience"/>).</summary>
internal sealed class Gate
{
    private readonly ManualResetEventSlim _open = new();
    private readonly SemaphoreSlim _held = new(0);

    /// <summary>Called from a silo's scoring loop: signals a held run and waits until opened.</summary>
    public void Hold()
    {
        _held.Release();
        _open.Wait(Cluster.Patience);
    }

    /// <summary>Waits until a run is held.</summary>
    public async Task WaitHeldAsync() => Assert.True(await _held.WaitAsync(Cluster.Patience), "No model run reached the gate.");

    public void Open() => _open.Set();
}

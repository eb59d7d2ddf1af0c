using MLNet.Gelu.Bert.Orleans.Tests.Support;

namespace MLNet.Gelu.Bert.Orleans.Tests;

/// <summary>One two-silo toy cluster shared by the tests that leave it as they found it.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    internal Cluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await Cluster.StartAsync(2);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(nameof(SharedCluster))]
public sealed class SharedCluster : ICollectionFixture<ClusterFixture>;

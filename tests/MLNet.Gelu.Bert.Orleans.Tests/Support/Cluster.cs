using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace MLNet.Gelu.Bert.Orleans.Tests.Support;

/// <summary>
/// An in-process cluster of toy-model silos (each with its own generator, as on separate machines) and a client that
/// registered <c>AddBertEmbeddingCluster</c>; failure detection is tightened so that a killed silo is declared dead in
/// seconds. Records which silo ran each model run.
/// </summary>
internal sealed class Cluster : IAsyncDisposable
{
    /// <summary>How long a test waits for something the cluster will do (a liveness guard, never a timing assertion).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private Cluster(InProcessTestCluster host) => Host = host;

    public InProcessTestCluster Host { get; }

    /// <summary>Rows each silo's model scored, by silo address.</summary>
    public ConcurrentDictionary<string, int> RowsBySilo { get; } = new();

    /// <summary>The client's registered generator (the DI path an app takes).</summary>
    public BertEmbeddingClusterGenerator Generator => Host.Client.ServiceProvider.GetRequiredService<BertEmbeddingClusterGenerator>();

    /// <summary>Starts <paramref name="silos"/> silos serving <paramref name="model"/> (the toy when null).</summary>
    public static async Task<Cluster> StartAsync(int silos, BertEmbeddingGeneratorOptions? siloOptions = null, Func<BertModel>? model = null)
    {
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddBertEmbedding(siloOptions, (model ?? Toy.Model)());
            silo.Configure<ClusterMembershipOptions>(FastFailureDetection);
        });
        builder.ConfigureClientHost(client => client.Services.AddBertEmbeddingCluster(new BertEmbeddingClusterOptions { RequestTimeout = TimeSpan.FromSeconds(10), MaxAttempts = 8 }));
        var host = builder.Build();
        await host.DeployAsync();
        return new Cluster(host);
    }

    /// <summary>A generator over the cluster's client with other options.</summary>
    public BertEmbeddingClusterGenerator NewGenerator(BertEmbeddingClusterOptions options) => new(Host.Client, options);

    /// <summary>The generator silo <paramref name="silo"/> scores with, created now if no request reached it yet.</summary>
    public static BertEmbeddingGenerator GeneratorOf(InProcessSiloHandle silo) => silo.ServiceProvider.GetRequiredService<BertEmbeddingGenerator>();

    /// <summary>Counts each model run of every silo (now and later silos) into <see cref="RowsBySilo"/>, then calls <paramref name="hook"/>.</summary>
    public void Watch(Action<InProcessSiloHandle, IReadOnlyList<string?>>? hook = null)
    {
        foreach (var silo in Host.Silos)
        {
            Watch(silo, hook);
        }
    }

    public void Watch(InProcessSiloHandle silo, Action<InProcessSiloHandle, IReadOnlyList<string?>>? hook = null)
    {
        string name = silo.SiloAddress.ToString();
        RowsBySilo.TryAdd(name, 0);
        GeneratorOf(silo).Coalescer.BeforeModelRun = texts =>
        {
            RowsBySilo.AddOrUpdate(name, texts.Count, (_, rows) => rows + texts.Count);
            hook?.Invoke(silo, texts);
        };
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in Host.Silos)
        {
            GeneratorOf(silo).Coalescer.BeforeModelRun = null;
        }

        await Host.DisposeAsync();
    }

    /// <summary>A dead silo is declared dead within a few seconds, not the default tens of seconds.</summary>
    private static void FastFailureDetection(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = TimeSpan.FromSeconds(1);
        options.NumMissedProbesLimit = 2;
        options.NumVotesForDeathDeclaration = 1;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(1);
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
    }
}

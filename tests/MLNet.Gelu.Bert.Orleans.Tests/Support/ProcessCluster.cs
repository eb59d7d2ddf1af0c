using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using StackExchange.Redis;

namespace MLNet.Gelu.Bert.Orleans.Tests.Support;

/// <summary>
/// Silo processes of one cluster (its own id, membership in the shared Redis) serving one model, and a client host in
/// this process that registered <c>AddBertEmbeddingCluster</c>, as an app would.
/// </summary>
internal sealed class ProcessCluster : IAsyncDisposable
{
    private readonly RedisServer _redis;
    private readonly string _clusterId = "cluster-" + Guid.NewGuid().ToString("N")[..12];
    private readonly (string Onnx, string Vocabulary)? _model;
    private readonly int _intraOpThreads;
    private readonly IReadOnlyList<string>? _siloArguments;
    private IHost? _client;

    private ProcessCluster(RedisServer redis, (string Onnx, string Vocabulary)? model, int intraOpThreads, IReadOnlyList<string>? siloArguments)
    {
        _redis = redis;
        _model = model;
        _intraOpThreads = intraOpThreads;
        _siloArguments = siloArguments;
    }

    public List<SiloProcess> Silos { get; } = [];

    public BertEmbeddingClusterGenerator Generator => _client!.Services.GetRequiredService<BertEmbeddingClusterGenerator>();

    public IClusterClient Client => _client!.Services.GetRequiredService<IClusterClient>();

    /// <summary>Starts <paramref name="silos"/> silo processes at once, then the client, and waits until all silos are active.</summary>
    /// <param name="redis">The membership store.</param>
    /// <param name="silos">How many silos to start.</param>
    /// <param name="clientOptions">The client generator's options.</param>
    /// <param name="model">The model files every silo loads; null for the embedded all-MiniLM-L6-v2.</param>
    /// <param name="intraOpThreads">Each silo's ONNX Runtime intra-op threads.</param>
    /// <param name="siloArguments">More configuration for every silo (see <see cref="SiloProcess.Start"/>).</param>
    public static async Task<ProcessCluster> StartAsync(
        RedisServer redis, int silos, BertEmbeddingClusterOptions clientOptions, (string Onnx, string Vocabulary)? model, int intraOpThreads = 1,
        IReadOnlyList<string>? siloArguments = null)
    {
        var cluster = new ProcessCluster(redis, model, intraOpThreads, siloArguments);
        try
        {
            for (var i = 0; i < silos; i++)
            {
                cluster.Silos.Add(SiloProcess.Start(redis.Configuration, cluster._clusterId, model, intraOpThreads, siloArguments));
            }

            await Task.WhenAll(cluster.Silos.Select(s => s.WaitReadyAsync()));
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.UseOrleansClient(client => client
                .UseRedisClustering(options => options.ConfigurationOptions = ConfigurationOptions.Parse(redis.Configuration))
                .Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (cluster._clusterId, cluster._clusterId))
                .Configure<GatewayOptions>(options => options.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1)));
            builder.Services.AddBertEmbeddingCluster(clientOptions);
            cluster._client = builder.Build();
            await cluster._client.StartAsync();
            await cluster.WaitForActiveSilosAsync(silos);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more silo and waits until the cluster counts it active.</summary>
    public async Task<SiloProcess> AddSiloAsync()
    {
        var silo = SiloProcess.Start(_redis.Configuration, _clusterId, _model, _intraOpThreads, _siloArguments);
        Silos.Add(silo);
        await silo.WaitReadyAsync();
        await WaitForActiveSilosAsync(Silos.Count(s => !s.HasExited));
        return silo;
    }

    /// <summary>Waits until the cluster's membership counts <paramref name="count"/> active silos.</summary>
    public async Task WaitForActiveSilosAsync(int count)
    {
        var management = Client.GetGrain<IManagementGrain>(0);
        var deadline = DateTime.UtcNow + SiloProcess.Patience;
        while ((await management.GetHosts(onlyActive: true)).Count != count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The cluster did not reach {count} active silos:\n{string.Join("\n---\n", Silos.Select(s => s.Log))}");
            }

            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            try
            {
                using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _client.StopAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
            }

            _client.Dispose();
        }

        foreach (var silo in Silos)
        {
            silo.Dispose();
        }
    }
}

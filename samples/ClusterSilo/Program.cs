// One silo of an embedding cluster. Every setting comes from configuration (appsettings.json, environment variables
// such as Silo__Redis, or the command line: --Silo:Redis=127.0.0.1:6379 --Silo:SiloPort=11111 ...):
//   Silo:Redis         Redis for membership ("host:port"); empty = localhost clustering (one machine, for trying it)
//   Silo:ClusterId     the cluster's id (every silo and client of one cluster uses the same one)
//   Silo:SiloPort, Silo:GatewayPort   this silo's ports (silo-to-silo, client-to-silo)
//   Silo:Model, Silo:Vocabulary       an ONNX encoder and its vocab.txt; empty = the embedded all-MiniLM-L6-v2
//   Embeddings:*       BertEmbeddingGeneratorOptions (IntraOpThreads, TokenBudget, MaxQueuedTexts, ...)
//   Membership:*       Orleans' ClusterMembershipOptions (ProbeTimeout, NumMissedProbesLimit, ...)
// Stops gracefully on SIGTERM or Ctrl+C: the silo leaves the cluster and queued requests fail over to other silos.
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MLNet.Gelu.Bert;
using Orleans.Configuration;
using Orleans.Hosting;
using StackExchange.Redis;

var builder = Host.CreateApplicationBuilder(args);
var silo = builder.Configuration.GetSection("Silo");
string? redis = silo["Redis"];
string clusterId = silo["ClusterId"] ?? "mlnet-gelu-embeddings";
int siloPort = silo.GetValue("SiloPort", 11111), gatewayPort = silo.GetValue("GatewayPort", 30000);
string? modelPath = silo["Model"], vocabularyPath = silo["Vocabulary"];
var model = string.IsNullOrEmpty(modelPath) ? null : BertModel.FromFiles(modelPath, vocabularyPath ?? throw new InvalidOperationException("Silo:Model needs Silo:Vocabulary."));

builder.UseOrleans(orleans =>
{
    if (string.IsNullOrEmpty(redis))
    {
        orleans.UseLocalhostClustering(siloPort, gatewayPort);
    }
    else
    {
        orleans.UseRedisClustering(options => options.ConfigurationOptions = ConfigurationOptions.Parse(redis))
            .ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort);
    }

    orleans.Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (clusterId, clusterId));
    orleans.Services.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection("Membership"));
    orleans.AddBertEmbedding(builder.Configuration.GetSection("Embeddings"), model);
});

using var host = builder.Build();
await host.StartAsync();
Console.WriteLine($"Silo ready: cluster {clusterId}, silo port {siloPort}, gateway port {gatewayPort}, membership {(string.IsNullOrEmpty(redis) ? "localhost" : "redis " + redis)}.");
await host.WaitForShutdownAsync();
Console.WriteLine("Silo stopped.");

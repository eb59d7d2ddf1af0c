using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MLNet.Gelu.Bert;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.UseOrleans(silo => silo.UseLocalhostClustering().AddBertEmbedding(new BertEmbeddingGeneratorOptions { IntraOpThreads = 1 }));
builder.Services.AddBertEmbeddingCluster();          // over the silo's own IClusterClient
using var host = builder.Build();
await host.StartAsync();

var generator = host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
var embeddings = await generator.GenerateAsync(["The weather is lovely today.", "It's so sunny outside!"]);
float dot = 0;
for (var i = 0; i < 384; i++)
{
    dot += embeddings[0].Vector.Span[i] * embeddings[1].Vector.Span[i];
}

Console.WriteLine($"cluster: {embeddings.Count} embeddings of {embeddings[0].Vector.Length}, similarity {dot:F4}");
var bulk = 0;
await foreach (var embedding in host.Services.GetRequiredService<BertEmbeddingClusterGenerator>().EmbedManyAsync(Enumerable.Range(0, 40).Select(i => $"text {i}")))
{
    bulk++;
}

Console.WriteLine($"bulk: {bulk} rows");
await host.StopAsync();

using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using MLNet.Gelu.Bert.Orleans.Tests.Support;

namespace MLNet.Gelu.Bert.Orleans.Tests;

/// <summary>Moving an app from in-process to cluster embeddings is one registration: the same injected interface, the same vectors.</summary>
[Collection(nameof(SharedCluster))]
public sealed class RegistrationTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Swapping_AddBertEmbeddingGenerator_for_AddBertEmbeddingCluster_gives_the_same_vectors()
    {
        string[] texts = [.. Enumerable.Range(0, 30).Select(Toy.Text)];

        var local = new ServiceCollection();
        local.AddBertEmbeddingGenerator(model: Toy.Model());
        var remote = new ServiceCollection();
        remote.AddSingleton(fixture.Cluster.Host.Client);               // the app's cluster client (UseOrleansClient registers it)
        remote.AddBertEmbeddingCluster();

        await using var localProvider = local.BuildServiceProvider();
        await using var remoteProvider = remote.BuildServiceProvider();
        var expected = await localProvider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync(texts);
        var actual = await remoteProvider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync(texts);

        Vectors.AssertEqualsAlone(texts, actual, text => expected[Array.IndexOf(texts, text)].Vector.ToArray(), 0f);
        Assert.Equal(expected.Usage!.InputTokenCount, actual.Usage!.InputTokenCount);
        Assert.IsType<BertEmbeddingClusterGenerator>(remoteProvider.GetRequiredService<BertEmbeddingClusterGenerator>());
    }

    [Fact]
    public void Registration_rejects_null_arguments()
    {
        Assert.Throws<ArgumentNullException>(() => BertEmbeddingClusterServiceCollectionExtensions.AddBertEmbeddingCluster(null!));
        Assert.Throws<ArgumentNullException>(() => BertEmbeddingSiloBuilderExtensions.AddBertEmbedding(null!));
        Assert.Throws<ArgumentNullException>(() => BertEmbeddingSiloBuilderExtensions.AddBertEmbedding(null!, (Microsoft.Extensions.Configuration.IConfiguration)null!));
    }
}

using MLNet.Gelu.Bert.Orleans.Tests.Support;

namespace MLNet.Gelu.Bert.Orleans.Tests;

/// <summary>The real model through a two-silo cluster equals the in-process generator within 1e-5.</summary>
public sealed class MiniLmTests
{
    private static readonly BertEmbeddingGeneratorOptions Options = new()
    {
        IntraOpThreads = 1,
        SessionConfigEntries = new Dictionary<string, string> { ["session.intra_op.allow_spinning"] = "0" },
    };

    [Fact]
    public async Task Cluster_embeddings_equal_the_in_process_generators()
    {
        string[] texts =
        [
            "The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium.", "",
            "A man is playing a guitar on a stage in front of a large crowd of people who are cheering.",
            .. Enumerable.Range(0, 27).Select(i => $"Sentence number {i} about {(i % 3 == 0 ? "cats" : "the stock market")}."),
        ];
        await using var cluster = await Cluster.StartAsync(2, Options, BertModel.AllMiniLmL6V2);
        using var local = new BertEmbeddingGenerator(BertModel.AllMiniLmL6V2(), Options);
        var expected = await local.GenerateAsync(texts);

        var request = await cluster.Generator.GenerateAsync(texts);
        Vectors.AssertEqualsAlone(texts, request, text => expected[Array.IndexOf(texts, text)].Vector.ToArray());

        using var bulk = cluster.NewGenerator(new BertEmbeddingClusterOptions { ChunkSize = 8 });
        var rows = new List<Microsoft.Extensions.AI.Embedding<float>>();
        await foreach (var embedding in bulk.EmbedManyAsync(texts))
        {
            rows.Add(embedding);
        }

        Vectors.AssertEqualsAlone(texts, rows, text => expected[Array.IndexOf(texts, text)].Vector.ToArray());
        Assert.Equal(384, rows[0].Vector.Length);
    }
}

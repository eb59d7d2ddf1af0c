using Microsoft.Extensions.AI;

namespace MLNet.Gelu.Bert;

/// <summary>What a silo answers to <see cref="IEmbeddingGrain.Embed"/>: the vectors, flattened row after row, or a fault.</summary>
[GenerateSerializer]
[Immutable]
internal sealed class EmbeddingReply
{
    /// <summary>The vectors of every text, <see cref="Dimension"/> floats each, in the request's order.</summary>
    [Id(0)]
    public float[] Vectors { get; init; } = [];

    /// <summary>The length of each vector.</summary>
    [Id(1)]
    public int Dimension { get; init; }

    /// <summary>The model's name on the silo.</summary>
    [Id(2)]
    public string? ModelId { get; init; }

    /// <summary>The tokens the model read.</summary>
    [Id(3)]
    public long? InputTokens { get; init; }

    /// <summary>The silo that scored the texts (for tests and logs).</summary>
    [Id(4)]
    public string? Silo { get; init; }

    /// <summary>Set instead of the vectors when the silo's generator threw an exception the client rethrows as such.</summary>
    [Id(5)]
    public EmbeddingFault? Fault { get; init; }

    /// <summary>The number of texts the reply holds vectors for.</summary>
    public int Count => Dimension == 0 ? 0 : Vectors.Length / Dimension;

    /// <summary>Flattens a generator's result.</summary>
    public static EmbeddingReply From(GeneratedEmbeddings<Embedding<float>> embeddings, int dimension, string modelId, string silo)
    {
        var vectors = new float[embeddings.Count * dimension];
        for (var i = 0; i < embeddings.Count; i++)
        {
            embeddings[i].Vector.Span.CopyTo(vectors.AsSpan(i * dimension, dimension));
        }

        return new EmbeddingReply
        {
            Vectors = vectors,
            Dimension = dimension,
            ModelId = modelId,
            InputTokens = embeddings.Usage?.InputTokenCount,
            Silo = silo,
        };
    }

    /// <summary>The vector of text <paramref name="index"/> as a Microsoft.Extensions.AI embedding.</summary>
    public Embedding<float> Embedding(int index, DateTimeOffset created) =>
        new(Vectors.AsMemory(index * Dimension, Dimension)) { ModelId = ModelId, CreatedAt = created };
}

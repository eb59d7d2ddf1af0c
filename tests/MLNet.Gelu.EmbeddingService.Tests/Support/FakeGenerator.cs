using Microsoft.Extensions.AI;

namespace MLNet.Gelu.EmbeddingService.Tests.Support;

/// <summary>A generator that runs no model: each text's vector is <c>[length, 1, 2]</c>, or <see cref="Failure"/> is thrown.</summary>
internal sealed class FakeGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingGeneratorMetadata _metadata = new("test", null, "fake-model", 3);

    /// <summary>When set, every request fails with it.</summary>
    public Exception? Failure { get; init; }

    public static float[] VectorOf(string text) => [text.Length, 1, 2];

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (Failure is not null)
        {
            return Task.FromException<GeneratedEmbeddings<Embedding<float>>>(Failure);
        }

        var texts = values.ToArray();
        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(texts.Select(t => new Embedding<float>(VectorOf(t))))
        {
            Usage = new UsageDetails { InputTokenCount = texts.Length, TotalTokenCount = texts.Length },
        });
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : null;

    public void Dispose()
    {
    }
}

using Microsoft.Extensions.AI;

namespace MLNet.Gelu.Bert;

/// <summary>What every embedding generator of ours answers alike: the per-request options check and <c>GetService</c>.</summary>
internal static class EmbeddingGeneratorChecks
{
    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="options"/> asks for other dimensions or another
    /// model than <paramref name="modelId"/> and <paramref name="dimension"/> (either unknown: not checked).</summary>
    public static void CheckOptions(EmbeddingGenerationOptions? options, string? modelId, int? dimension)
    {
        if (options?.Dimensions is { } dimensions && dimension is { } actual && dimensions != actual)
        {
            throw new ArgumentException(
                $"EmbeddingGenerationOptions.Dimensions = {dimensions}, but {modelId} embeds into {actual} dimensions; leave it null or set {actual}.",
                nameof(options));
        }

        if (options?.ModelId is { } asked && modelId is not null && !string.Equals(asked, modelId, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"EmbeddingGenerationOptions.ModelId = '{asked}', but this generator runs '{modelId}'; leave it null or name that model.",
                nameof(options));
        }
    }

    /// <summary>The metadata, the model (when known), or the generator itself for a type it is; null for anything else and any key.</summary>
    public static object? GetService(object generator, Type serviceType, object? serviceKey, EmbeddingGeneratorMetadata metadata, BertModel? model)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return metadata;
        }

        if (model is not null && serviceType == typeof(BertModel))
        {
            return model;
        }

        return serviceType.IsInstanceOfType(generator) ? generator : null;
    }
}

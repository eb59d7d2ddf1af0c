
namespace MLNet.Gelu.Bert;

/// <summary>Everything a <see cref="BertEmbedder"/> can be told, each part with documented defaults.</summary>
public sealed record BertEmbedderOptions
{
    /// <summary>Threads, optimization level and execution provider.</summary>
    public BertSessionOptions Session { get; init; } = new();

    /// <summary>Token budget and batch size.</summary>
    public BertBatchingOptions Batching { get; init; } = new();

    /// <summary>Truncation or chunking of long texts.</summary>
    public BertTokenizerOptions Tokenizer { get; init; } = new();
}

namespace MLNet.Gelu.EmbeddingService.Tests.Support;

/// <summary>Test texts: short and long, punctuation, accents, emoji and CJK, and one past the model's 256 tokens.</summary>
internal static class Sentences
{
    public static IReadOnlyList<string> All { get; } =
    [
        "The weather is lovely today.",
        "It's so sunny outside!",
        "He drove to the stadium.",
        "A man is playing a guitar on the street corner.",
        "The quick brown fox jumps over the lazy dog",
        "Short.",
        "$50 for an A+ product is/was a steal!",
        "Café Über naïve — “quoted” 日本語 🍕",
        "What is the meaning of life, the universe and everything?",
        "note\nbook\tand\rpen",
        "FS GPU CUDA ONNX",
        "Battery life is great and the screen is bright.",
        "Terrible service; I will never come back.",
        "The film was long, but the ending made up for it.",
        "ok",
        "Embeddings map sentences to points in a vector space.",
        string.Concat(Enumerable.Repeat("Long text keeps going and going. ", 60)),
        "Kestrel serves HTTP on the loopback interface.",
        "Cats sleep most of the day.",
        "The train to the airport leaves every ten minutes.",
    ];
}

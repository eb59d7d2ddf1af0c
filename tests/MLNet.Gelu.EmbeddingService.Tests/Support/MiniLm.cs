using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using MLNet.Gelu.Bert;

namespace MLNet.Gelu.EmbeddingService.Tests.Support;

/// <summary>The embedded all-MiniLM-L6-v2, and what it gives in process: the reference the service's answers must equal.</summary>
internal static class MiniLm
{
    /// <summary>The name the service answers to by default.</summary>
    public const string ServedName = "all-MiniLM-L6-v2";

    /// <summary>The embedding length.</summary>
    public const int Dimensions = 384;

    /// <summary>Session settings for every MiniLM here: 2 intra-op threads, no spinning (the machine has 2 cores).</summary>
    public static readonly IReadOnlyDictionary<string, string> NoSpinning = new Dictionary<string, string>
    {
        ["session.intra_op.allow_spinning"] = "0",
        ["session.inter_op.allow_spinning"] = "0",
    };

    private static readonly Lazy<BertEmbedder> LazyEmbedder = new(() =>
        new BertEmbedder(BertModel.AllMiniLmL6V2(), new BertEmbedderOptions { IntraOpThreads = 2, SessionConfigEntries = NoSpinning }));

    private static readonly Lazy<BertEmbeddingGenerator> LazyGenerator = new(() =>
        new BertEmbeddingGenerator(BertModel.AllMiniLmL6V2(), new BertEmbeddingGeneratorOptions { IntraOpThreads = 2, SessionConfigEntries = NoSpinning }));

    private static readonly ConcurrentDictionary<string, float[]> Vectors = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, long> Tokens = new(StringComparer.Ordinal);

    /// <summary>Settings for the service's own generator that match the references (2 threads).</summary>
    public static string[] ServiceSettings { get; } = ["--EmbeddingService:IntraOpThreads=2"];

    /// <summary>What <see cref="BertEmbedder.Embed(string?)"/> gives <paramref name="text"/> alone, in this process.</summary>
    public static float[] Alone(string text) => Vectors.GetOrAdd(text, t => LazyEmbedder.Value.Embed(t));

    /// <summary>The tokens an in-process <see cref="BertEmbeddingGenerator"/> reports for <paramref name="text"/> alone.</summary>
    public static long TokensOf(string text) => Tokens.GetOrAdd(text, t =>
        LazyGenerator.Value.GenerateAsync([t]).GetAwaiter().GetResult().Usage?.InputTokenCount ?? throw new InvalidOperationException("No usage."));

    /// <summary>What an in-process <see cref="BertEmbeddingGenerator"/> returns for <paramref name="texts"/> as one request.</summary>
    public static Task<GeneratedEmbeddings<Embedding<float>>> GenerateInProcessAsync(IEnumerable<string> texts) => LazyGenerator.Value.GenerateAsync(texts);

    /// <summary>A generator the container of a test's service owns: MiniLM with the service's options, no spinning.</summary>
    public static BertEmbeddingGenerator Generator(BertEmbeddingGeneratorOptions options) =>
        new(BertModel.AllMiniLmL6V2(), options with { IntraOpThreads = 2, SessionConfigEntries = NoSpinning });

    /// <summary>Asserts that <paramref name="actual"/> equals the in-process vector of <paramref name="text"/> within 1e-5.</summary>
    public static void AssertEmbeds(string text, ReadOnlySpan<float> actual)
    {
        var expected = Alone(text);
        Assert.Equal(expected.Length, actual.Length);
        float worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        }

        Assert.True(worst <= 1e-5f, $"'{text}': max abs difference {worst} from the in-process embedding.");
    }
}

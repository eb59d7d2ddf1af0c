
namespace MLNet.Gelu.Bert.Tests.Support;

/// <summary>The embedded default model and one shared embedder (both thread-safe), loaded once per test run.</summary>
internal static class MiniLm
{
    private static readonly Lazy<BertModel> LazyModel = new(BertModel.AllMiniLmL6V2);
    private static readonly Lazy<BertEmbedder> LazyEmbedder = new(() => new BertEmbedder(LazyModel.Value, Options));

    public static BertEmbedderOptions Options { get; } = new()
    {
        IntraOpThreads = 2,
        SessionConfigEntries = new Dictionary<string, string> { ["session.intra_op.allow_spinning"] = "0" },
    };

    public static BertModel Model => LazyModel.Value;

    public static BertEmbedder Embedder => LazyEmbedder.Value;
}

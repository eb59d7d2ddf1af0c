using MLNet.Gelu.Bert.Tests.Support;

namespace MLNet.Gelu.Bert.Tests.Reliability;

/// <summary><see cref="BertEmbedder.Dispose"/> racing every <c>Embed</c> entry point.</summary>
public class EmbedderDisposeTests
{
    internal static readonly string[] Texts =
    [
        "a b c d e f g h", "a", "bs cs", "h g f e d c b a a b", "e", "d ds d ds", "c a b", "f g h hs gs fs es ds",
        "b", "a bs c ds e", "g", "h a",
    ];

    internal static readonly (string?, string?)[] Pairs =
    [
        ("a b", "c d e"), ("f", null), ("gs hs", "a"), ("b c d e f", "g h"), ("e", "e"), ("ds", "a b c"),
    ];

    /// <summary>The toy on one thread, at most 3 rows per run so that a list takes several runs.</summary>
    internal static BertEmbedderOptions ToyOptions { get; } = new()
    {
        MaxBatchSize = 3,
        IntraOpThreads = 1,
        InterOpThreads = 1,
        SessionConfigEntries = new Dictionary<string, string> { ["session.intra_op.allow_spinning"] = "0" },
    };

    internal static BertEmbedder ToyEmbedder() => Toy.Embedder(BertPooling.Mean, normalize: true, options: ToyOptions);

    /// <summary>100 rounds × 3 threads per entry point on the toy model.</summary>
    [Theory]
    [InlineData("single")]
    [InlineData("list")]
    [InlineData("list with dropped tokens")]
    [InlineData("flat buffer")]
    [InlineData("pairs")]
    public void Embed_racing_dispose_returns_the_result_alone_or_throws_object_disposed_and_releases_once(string entryPoint)
    {
        const int Rounds = 100, Workers = 3;
        float[][] alone, pairsAlone;
        using (var reference = ToyEmbedder())
        {
            alone = [.. Texts.Select(t => reference.Embed(t))];
            pairsAlone = [.. Pairs.Select(p => reference.EmbedPairs([p])[0])];
        }

        var race = new DisposeRace(nameof(BertEmbedder), seed: entryPoint.Length);
        for (int round = 0; round < Rounds; round++)
        {
            var embedder = ToyEmbedder();
            race.Round(Workers, (w, i) => Call(embedder, entryPoint, w + i, alone, pairsAlone), embedder.Dispose);

            Assert.True(embedder.Session.IsReleased, $"round {round}: not released after every call left");
            Assert.Equal(1, embedder.Session.ReleaseCount);
            embedder.Dispose();
            Assert.Equal(1, embedder.Session.ReleaseCount);
        }

        race.AssertHeld(Rounds * Workers);
    }

    /// <summary>3 rounds × 2 threads on MiniLM, whose runs are long enough for the dispose to land inside one.</summary>
    [Fact]
    public void MiniLM_embed_racing_dispose_returns_the_result_alone_or_throws_object_disposed()
    {
        const int Rounds = 3, Workers = 2;
        string[] texts =
        [
            "A cat sits on the mat and looks out of the window at the birds in the garden.",
            "Stocks fell sharply today, and nobody was surprised by the central bank's decision.",
            "The quick brown fox jumps over the lazy dog.",
            "What is the meaning of life, the universe and everything?",
        ];
        var alone = texts.Select(t => MiniLm.Embedder.Embed(t)).ToArray();
        var race = new DisposeRace(nameof(BertEmbedder), seed: 3);
        for (int round = 0; round < Rounds; round++)
        {
            var embedder = new BertEmbedder(MiniLm.Model, MiniLm.Options with { MaxBatchSize = 2 });
            race.Round(Workers, (_, _) => DisposeRace.Compare(alone, embedder.Embed(texts), "embeddings"), embedder.Dispose);
            Assert.True(embedder.Session.IsReleased);
            Assert.Equal(1, embedder.Session.ReleaseCount);
        }

        race.AssertHeld(Rounds * Workers);
    }

    [Fact]
    public void Every_entry_point_after_dispose_throws_object_disposed_naming_the_embedder_and_properties_stay_readable()
    {
        var embedder = ToyEmbedder();
        Assert.Equal(4, embedder.Embed("a b").Length);
        embedder.Dispose();
        embedder.Dispose();

        Action[] calls =
        [
            () => embedder.Embed("a"),
            () => embedder.Embed(["a", "b"]),
            () => embedder.Embed([]),
            () => embedder.Embed(["a"], new int[1]),
            () => embedder.Embed(["a"], new float[4]),
            () => embedder.Embed(Array.Empty<string>(), Span<float>.Empty),
            () => embedder.EmbedPairs([("a", "b")]),
        ];
        foreach (var call in calls)
        {
            var e = Assert.Throws<ObjectDisposedException>(call);
            Assert.Equal(nameof(BertEmbedder), e.ObjectName);
        }

        Assert.Equal(4, embedder.Dimension);
        Assert.Equal(BertExecutionProvider.Cpu, embedder.ExecutionProvider);
        Assert.Equal(1, embedder.Session.ReleaseCount);
    }

    private static string? Call(BertEmbedder embedder, string entryPoint, int k, float[][] alone, float[][] pairsAlone)
    {
        switch (entryPoint)
        {
            case "single":
                return DisposeRace.Compare(alone[k % Texts.Length], embedder.Embed(Texts[k % Texts.Length]), $"text {k % Texts.Length}");
            case "list":
                return DisposeRace.Compare(alone, embedder.Embed(Texts), "embeddings");
            case "list with dropped tokens":
                var dropped = new int[Texts.Length];
                return DisposeRace.Compare(alone, embedder.Embed(Texts, dropped), "embeddings")
                    ?? (dropped.Any(d => d != 0) ? "tokens reported dropped" : null);
            case "flat buffer":
                var flat = new float[Texts.Length * 4];
                embedder.Embed(Texts, flat.AsSpan());
                return DisposeRace.Compare(alone.SelectMany(v => v).ToArray(), flat, "flat");
            case "pairs":
                return DisposeRace.Compare(pairsAlone, embedder.EmbedPairs(Pairs), "pairs");
            default:
                throw new ArgumentOutOfRangeException(nameof(entryPoint), entryPoint, null);
        }
    }
}

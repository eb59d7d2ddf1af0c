using Microsoft.Extensions.AI;
using MLNet.Gelu.Bert.Tests.Support;
using MLNet.Gelu.Datasets;

namespace MLNet.Gelu.Bert.Tests.Serving;

/// <summary>What callers get back: BertEmbedder's vectors for each text alone, in their own order, with the tokens read.</summary>
public sealed class GeneratorResultTests
{
    private const int Callers = 64;

    [Fact]
    public async Task Sixty_four_concurrent_callers_get_what_BertEmbedder_gives_each_text_alone()
    {
        var texts = UciSentiment.Load().Where((_, i) => i % 10 == 0).Select(s => s.Text).ToArray();
        var alone = texts.ToDictionary(t => t, t => MiniLm.Embedder.Embed(t));
        await using var generator = new BertEmbeddingGenerator(MiniLm.Model, Serving.MiniLmOptions);

        // Pass 0: one text per request; pass 1: three texts per request; pass 2: one again.
        for (var pass = 0; pass < 3; pass++)
        {
            var perRequest = pass == 1 ? 3 : 1;
            var roundsBefore = generator.Coalescer.Rounds;
            var requests = 0;
            var callers = Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
            {
                var mine = Enumerable.Range(0, texts.Length).Where(i => i % Callers == caller).Select(i => texts[i]).ToArray();
                foreach (var chunk in mine.Chunk(perRequest))
                {
                    var result = await generator.GenerateAsync(chunk);
                    Interlocked.Increment(ref requests);
                    Serving.AssertEqualsAlone(chunk, result, t => alone[t!]);
                    Assert.Equal(chunk.Sum(Tokens), result.Usage?.InputTokenCount);
                }
            })).ToArray();
            await Task.WhenAll(callers).WaitAsync(Serving.Patience);

            var rounds = generator.Coalescer.Rounds - roundsBefore;
            var expected = Enumerable.Range(0, Callers).Sum(c => (Enumerable.Range(0, texts.Length).Count(i => i % Callers == c) + perRequest - 1) / perRequest);
            Assert.Equal(expected, requests);
            Assert.True(rounds < requests, $"pass {pass}: {rounds} rounds for {requests} requests: the generator did not coalesce.");
        }
    }

    [Fact]
    public async Task A_multi_text_request_keeps_its_order_and_reports_the_tokens_read()
    {
        string?[] texts =
        [
            "Short.", "The quick brown fox jumps over the lazy dog", "", "Short.", "$50 for an A+ product is/was a steal!",
            string.Concat(Enumerable.Repeat("Long text keeps going and going. ", 60)), "ok", "Café Über naïve — “quoted” 日本語 🍕",
            "What is the meaning of life, the universe and everything?", "note\nbook\tand\rpen", "a", "FS GPU CUDA ONNX",
        ];
        await using var generator = new BertEmbeddingGenerator(MiniLm.Model, Serving.MiniLmOptions);

        var result = await generator.GenerateAsync(texts!);

        Serving.AssertEqualsAlone(texts, result, MiniLm.Embedder.Embed);
        Assert.Equal(result[0].Vector.ToArray(), result[3].Vector.ToArray());
        Assert.Equal(texts.Sum(Tokens), result.Usage?.InputTokenCount);
        Assert.Equal(256, Tokens(texts[5]));
        Assert.All(result, e => Assert.Equal(384, e.Dimensions));
        Assert.All(result, e => Assert.Equal(generator.Model.Name, e.ModelId));
    }

    [Fact]
    public async Task Null_entries_embed_as_the_empty_text()
    {
        await using var generator = new BertEmbeddingGenerator(MiniLm.Model, Serving.MiniLmOptions);
        string?[] texts = ["a cat", null, "", null];

        var result = await generator.GenerateAsync(texts!);

        var empty = MiniLm.Embedder.Embed(string.Empty);
        Assert.Equal(MiniLm.Embedder.Embed((string?)null), empty);
        Assert.True(Vectors.MaxAbsDifference(empty, result[1].Vector.Span) <= 1e-5f);
        Assert.True(Vectors.MaxAbsDifference(empty, result[3].Vector.Span) <= 1e-5f);
        Assert.True(Vectors.MaxAbsDifference(MiniLm.Embedder.Embed("a cat"), result[0].Vector.Span) <= 1e-5f);
        Assert.Equal(Tokens("a cat") + (3 * 2), result.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task Long_texts_are_chunked_and_averaged_as_BertEmbedder_does_with_the_same_options()
    {
        var options = new BertEmbeddingGeneratorOptions { LongText = BertLongTextMode.Chunk, ChunkOverlap = 4, WindowSize = 3 };
        using var embedder = new BertEmbedder(Serving.ToyModel, new BertEmbedderOptions { LongText = BertLongTextMode.Chunk, ChunkOverlap = 4 });
        await using var generator = new BertEmbeddingGenerator(Serving.ToyModel, options);
        string[] texts = [string.Join(' ', Enumerable.Repeat("a b c", 12)), "d", string.Join(' ', Enumerable.Repeat("e f", 20)), "g h", "a"];

        var result = await generator.GenerateAsync(texts).WaitAsync(Serving.Patience);

        Serving.AssertEqualsAlone(texts, result, t => embedder.Embed(t));
        var rows = new BertTokenizedRows();
        foreach (var text in texts)
        {
            embedder.Tokenizer.Tokenize(text, null, rows);
        }

        Assert.True(rows.SequenceCount > texts.Length);
        Assert.Equal(Enumerable.Range(0, rows.SequenceCount).Sum(rows.Length), result.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task The_default_constructor_serves_the_embedded_MiniLM()
    {
        await using var generator = new BertEmbeddingGenerator();

        var result = await generator.GenerateAsync(["a cat"]);

        Assert.Equal(BertModel.AllMiniLmL6V2().Name, generator.Model.Name);
        Assert.Equal(384, generator.Dimension);
        Assert.Equal(BertExecutionProvider.Cpu, generator.ExecutionProvider);
        Assert.Equal(4096, generator.Options.MaxQueuedTexts);
        Assert.True(Vectors.MaxAbsDifference(MiniLm.Embedder.Embed("a cat"), result[0].Vector.Span) <= 1e-5f);
    }

    [Fact]
    public async Task Metadata_names_the_provider_the_model_and_the_dimensions_and_GetService_finds_the_generator()
    {
        await using var generator = Serving.Toy();
        IEmbeddingGenerator<string, Embedding<float>> asInterface = generator;

        var metadata = asInterface.GetService<EmbeddingGeneratorMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("MLNet.Gelu", metadata.ProviderName);
        Assert.Equal(generator.Model.Name, metadata.DefaultModelId);
        Assert.Equal(4, metadata.DefaultModelDimensions);
        Assert.Same(generator, asInterface.GetService<BertEmbeddingGenerator>());
        Assert.Same(generator, asInterface.GetService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Same(generator.Model, asInterface.GetService<BertModel>());
        Assert.Null(generator.GetService(typeof(EmbeddingGeneratorMetadata), serviceKey: "other"));
        Assert.Null(generator.GetService(typeof(string)));
        Assert.Throws<ArgumentNullException>("serviceType", () => generator.GetService(null!));
    }

    [Fact]
    public async Task Empty_requests_complete_at_once_without_a_round()
    {
        await using var generator = Serving.Toy();

        var result = await generator.GenerateAsync([]);

        Assert.Empty(result);
        Assert.Equal(0, result.Usage?.InputTokenCount);
        Assert.Equal(0, generator.Coalescer.Rounds);
    }

    /// <summary>Tokens MiniLM reads for a text: its word pieces, [CLS] and [SEP], at most 256.</summary>
    private static int Tokens(string? text) => Math.Min(MiniLm.Embedder.Tokenizer.CountTokens(text), 256);
}

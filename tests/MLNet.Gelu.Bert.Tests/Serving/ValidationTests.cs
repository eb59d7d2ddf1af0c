using Microsoft.Extensions.AI;

namespace MLNet.Gelu.Bert.Tests.Serving;

/// <summary>Bad input gets specific exceptions, early: options at construction, arguments when called.</summary>
public sealed class ValidationTests
{
    [Theory]
    [InlineData(nameof(BertEmbeddingGeneratorOptions.MaxQueuedTexts))]
    [InlineData(nameof(BertEmbeddingGeneratorOptions.WindowSize))]
    [InlineData(nameof(BertEmbeddingGeneratorOptions.QueueFullMode))]
    [InlineData(nameof(BertEmbeddingGeneratorOptions.MaxQueueDelay))]
    [InlineData(nameof(BertEmbeddingGeneratorOptions.MaxQueueDelay) + " over a minute")]
    [InlineData(nameof(BertEmbeddingGeneratorOptions.TokenBudget))]
    [InlineData(nameof(BertEmbeddingGeneratorOptions.MaxBatchSize))]
    public void An_option_out_of_range_is_refused_at_construction_naming_it(string option)
    {
        var options = option switch
        {
            nameof(BertEmbeddingGeneratorOptions.MaxQueuedTexts) => new BertEmbeddingGeneratorOptions { MaxQueuedTexts = 0 },
            nameof(BertEmbeddingGeneratorOptions.WindowSize) => new BertEmbeddingGeneratorOptions { WindowSize = 0 },
            nameof(BertEmbeddingGeneratorOptions.QueueFullMode) => new BertEmbeddingGeneratorOptions { QueueFullMode = (QueueFullMode)7 },
            nameof(BertEmbeddingGeneratorOptions.MaxQueueDelay) => new BertEmbeddingGeneratorOptions { MaxQueueDelay = TimeSpan.FromMilliseconds(-1) },
            nameof(BertEmbeddingGeneratorOptions.TokenBudget) => new BertEmbeddingGeneratorOptions { TokenBudget = 0 },
            nameof(BertEmbeddingGeneratorOptions.MaxBatchSize) => new BertEmbeddingGeneratorOptions { MaxBatchSize = 0 },
            _ => new BertEmbeddingGeneratorOptions { MaxQueueDelay = TimeSpan.FromMinutes(2) },
        };

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new BertEmbeddingGenerator(Serving.ToyModel, options));

        Assert.Equal(option.Split(' ')[0], e.ParamName);
    }

    [Fact]
    public async Task Null_values_and_foreign_request_options_throw_when_called()
    {
        await using var generator = Serving.Toy();

        var noValues = Record.Exception(() => { _ = generator.GenerateAsync(null!); });
        var dimensions = Record.Exception(() => { _ = generator.GenerateAsync(["a"], new EmbeddingGenerationOptions { Dimensions = 3 }); });
        var model = Record.Exception(() => { _ = generator.GenerateAsync(["a"], new EmbeddingGenerationOptions { ModelId = "another" }); });

        Assert.Equal("values", Assert.IsType<ArgumentNullException>(noValues).ParamName);
        Assert.Equal("options", Assert.IsType<ArgumentException>(dimensions).ParamName);
        Assert.Contains("Dimensions = 3", dimensions.Message, StringComparison.Ordinal);
        Assert.Equal("options", Assert.IsType<ArgumentException>(model).ParamName);
        var matching = await generator.GenerateAsync(["a"], new EmbeddingGenerationOptions { Dimensions = 4, ModelId = generator.Model.Name });
        Assert.Equal(Serving.ToyAlone("a"), matching[0].Vector.ToArray());
        Assert.Equal(1, generator.Coalescer.Rounds);
    }

    [Fact]
    public void Defaults_are_documented_values()
    {
        var options = new BertEmbeddingGeneratorOptions();

        Assert.Equal(4096, options.MaxQueuedTexts);
        Assert.Equal(QueueFullMode.Wait, options.QueueFullMode);
        Assert.Equal(TimeSpan.Zero, options.MaxQueueDelay);
        Assert.Equal(256, options.WindowSize);
        Assert.Equal(new BertEmbedderOptions().TokenBudget, options.TokenBudget);
    }
}

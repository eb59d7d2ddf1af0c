using EmbeddingService;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MLNet.Gelu.Bert;
using MLNet.Gelu.EmbeddingService.Tests.Support;

namespace MLNet.Gelu.EmbeddingService.Tests.Lifecycle;

/// <summary>The EmbeddingService settings reach the generator; a bad one stops the service with a message naming it.</summary>
public sealed class ConfigurationTests
{
    [Fact]
    public async Task Settings_from_the_command_line_reach_the_generator()
    {
        await using var service = await RunningService.StartAsync(
        [
            "--EmbeddingService:MaxQueuedTexts=7", "--EmbeddingService:WindowSize=5", "--EmbeddingService:MaxQueueDelay=00:00:00.003",
            "--EmbeddingService:IntraOpThreads=1",
        ]);

        var generator = Assert.IsType<BertEmbeddingGenerator>(service.App.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        var options = generator.Options;
        Assert.Equal((7, 5, TimeSpan.FromMilliseconds(3), 1), (options.MaxQueuedTexts, options.WindowSize, options.MaxQueueDelay, options.IntraOpThreads));
        Assert.Equal(QueueFullMode.Reject, options.QueueFullMode);
    }

    [Fact]
    public void The_defaults_are_the_documented_ones()
    {
        var defaults = new EmbeddingServiceOptions();

        Assert.Equal(("all-MiniLM-L6-v2", 2048, 8L * 1024 * 1024, 1), (defaults.ModelName, defaults.MaxInputs, defaults.MaxRequestBytes, defaults.RetryAfterSeconds));
        var generator = defaults.ToGeneratorOptions();
        Assert.Equal((4096, 256, TimeSpan.Zero, 0, QueueFullMode.Reject),
            (generator.MaxQueuedTexts, generator.WindowSize, generator.MaxQueueDelay, generator.IntraOpThreads, generator.QueueFullMode));
    }

    [Theory]
    [InlineData("MaxInputs", "0")]
    [InlineData("MaxRequestBytes", "-1")]
    [InlineData("RetryAfterSeconds", "-5")]
    public async Task A_limit_out_of_range_fails_the_start_naming_the_setting(string setting, string value)
    {
        await using var app = EmbeddingServiceApp.Create(["--urls=http://127.0.0.1:0", $"--EmbeddingService:{setting}={value}"]);

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains($"EmbeddingService:{setting} = {value}", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_generator_that_cannot_be_created_stops_the_service_with_exit_code_1()
    {
        int exitCode = await EmbeddingServiceApp.RunAsync(
            ["--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=None", "--EmbeddingService:WindowSize=0"]).WaitAsync(RunningService.Patience);

        Assert.Equal(1, exitCode);
    }
}

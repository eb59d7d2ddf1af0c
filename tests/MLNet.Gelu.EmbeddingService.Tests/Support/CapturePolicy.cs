using System.ClientModel.Primitives;
using System.Collections.Concurrent;

namespace MLNet.Gelu.EmbeddingService.Tests.Support;

/// <summary>A pipeline policy for the OpenAI client that keeps the JSON of every request it sends and every answer it reads.</summary>
internal sealed class CapturePolicy : PipelinePolicy
{
    public ConcurrentQueue<(string Request, string Response)> Exchanges { get; } = new();

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        ProcessNext(message, pipeline, currentIndex);
        Record(message);
    }

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        await ProcessNextAsync(message, pipeline, currentIndex);
        Record(message);
    }

    private void Record(PipelineMessage message)
    {
        using var sent = new MemoryStream();
        message.Request.Content?.WriteTo(sent);
        Exchanges.Enqueue((System.Text.Encoding.UTF8.GetString(sent.ToArray()), message.Response?.Content.ToString() ?? ""));
    }
}

using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using MLNet.Gelu.Bert;

namespace EmbeddingService;

/// <summary>
/// <c>POST /v1/embeddings</c>: checks that the service takes requests, reads the body, embeds the texts with the
/// generator (cancelled if the client goes away) and answers in OpenAI's shape.
/// </summary>
/// <remarks>
/// A request is <i>admitted</i> when its handler starts while the model is loaded and the app is not stopping; from then
/// on shutdown does not refuse it: the server waits for it to finish, and the generator is disposed only after that.
/// Statuses: 200; 400 and 413 (see <see cref="EmbeddingsRequestReader"/>); 429 with <c>Retry-After</c> when the
/// generator's queue is full (<see cref="EmbeddingQueueFullException"/>); 503 while the model loads (with
/// <c>Retry-After</c>) or once the app is stopping (or the generator is disposed); 500 for anything unexpected, its
/// details logged and never sent.
/// </remarks>
internal sealed partial class EmbeddingsEndpoint(ModelReadiness readiness, IOptions<EmbeddingServiceOptions> options, ILogger<EmbeddingsEndpoint> logger)
{
    private readonly EmbeddingServiceOptions _options = options.Value;

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        if (readiness.IsStopping)
        {
            return ServiceError.ShuttingDown();
        }

        if (readiness.Model is not { } model)
        {
            return ServiceError.Loading(_options.RetryAfterSeconds);
        }

        ParsedEmbeddingsRequest request;
        try
        {
            request = await EmbeddingsRequestReader.ReadAsync(context, _options, model).ConfigureAwait(false);
        }
        catch (InvalidEmbeddingsRequestException e)
        {
            return e.Error;
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away while sending the body.
            return Results.Empty;
        }

        GeneratedEmbeddings<Embedding<float>> embeddings;
        try
        {
            embeddings = await model.Generator.GenerateAsync(request.Texts, options: null, context.RequestAborted).ConfigureAwait(false);
        }
        catch (EmbeddingQueueFullException e)
        {
            LogQueueFull(logger, e.RequestedTexts, e.QueuedTexts, e.MaxQueuedTexts);
            return ServiceError.QueueFull(_options.RetryAfterSeconds);
        }
        catch (ObjectDisposedException)
        {
            return ServiceError.ShuttingDown();
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody reads the answer.
            return Results.Empty;
        }
        catch (Exception e)
        {
            LogFailure(logger, e, request.Texts.Length);
            return ServiceError.Internal();
        }

        return TypedResults.Json(Response(embeddings, request, model), ServiceJsonContext.Service.EmbeddingsResponse);
    }

    private static EmbeddingsResponse Response(GeneratedEmbeddings<Embedding<float>> embeddings, ParsedEmbeddingsRequest request, LoadedModel model)
    {
        var data = new EmbeddingItem[embeddings.Count];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = new EmbeddingItem { Index = i, Embedding = new EmbeddingVector(embeddings[i].Vector, request.Base64) };
        }

        long tokens = embeddings.Usage?.InputTokenCount ?? 0;
        return new EmbeddingsResponse
        {
            Data = data,
            Model = model.Id ?? embeddings.FirstOrDefault()?.ModelId ?? "unknown",
            Usage = new EmbeddingsUsage { PromptTokens = tokens, TotalTokens = tokens },
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue full: refused a request of {Texts} texts with 429 ({Queued} of {Limit} texts waiting).")]
    private static partial void LogQueueFull(ILogger logger, int texts, int queued, int limit);

    [LoggerMessage(Level = LogLevel.Error, Message = "Embedding a request of {Texts} texts failed; answered 500.")]
    private static partial void LogFailure(ILogger logger, Exception exception, int texts);
}

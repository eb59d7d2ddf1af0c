using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EmbeddingService;

/// <summary>
/// The service's JSON, generated at build time: snake_case names as OpenAI's API uses, nulls written
/// (<c>"param": null</c>). <see cref="Service"/> is the instance to use.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(EmbeddingsRequest))]
[JsonSerializable(typeof(EmbeddingsResponse))]
[JsonSerializable(typeof(OpenAiErrorBody))]
internal sealed partial class ServiceJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context with text written as it is (no <c>\u0027</c> for an apostrophe in a message or a model name): the
    /// answers are JSON for API clients, never embedded in HTML, which is what the default escaping guards against.
    /// </summary>
    public static ServiceJsonContext Service { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

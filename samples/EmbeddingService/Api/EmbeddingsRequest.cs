using System.Text.Json;

namespace EmbeddingService;

/// <summary>
/// The body of <c>POST /v1/embeddings</c> as OpenAI defines it: <c>{ "input": string | string[], "model"?: string,
/// "encoding_format"?: "float" | "base64", "dimensions"?: int, "user"?: string }</c>. Unknown properties are ignored;
/// <see cref="EmbeddingsRequestReader"/> checks the values.
/// </summary>
internal sealed class EmbeddingsRequest
{
    /// <summary>A text or an array of texts; kept as JSON so a wrong shape gets a precise message.</summary>
    public JsonElement? Input { get; init; }

    public string? Model { get; init; }

    public string? EncodingFormat { get; init; }

    public int? Dimensions { get; init; }

    /// <summary>An end-user id, for the caller's abuse monitoring; accepted and ignored.</summary>
    public string? User { get; init; }
}

/// <summary>A request that passed every check: its texts and how to encode the vectors.</summary>
/// <param name="Texts">One or more non-empty texts.</param>
/// <param name="Base64">Whether the vectors go back as base64 of little-endian float32 instead of JSON arrays.</param>
internal sealed record ParsedEmbeddingsRequest(string[] Texts, bool Base64);

using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace EmbeddingService;

/// <summary>
/// Reads and checks the body of <c>POST /v1/embeddings</c>. Every refusal is an <see cref="InvalidEmbeddingsRequestException"/>
/// carrying the answer: 413 for a body over <see cref="EmbeddingServiceOptions.MaxRequestBytes"/> or more inputs than
/// <see cref="EmbeddingServiceOptions.MaxInputs"/>, 400 for anything else (not JSON, a wrong type, a missing or empty
/// <c>input</c>, an unknown <c>encoding_format</c>, another model, other dimensions).
/// </summary>
internal static class EmbeddingsRequestReader
{
    private const string TextOrTexts = "a string or an array of strings";

    public static async Task<ParsedEmbeddingsRequest> ReadAsync(HttpContext context, EmbeddingServiceOptions options, LoadedModel model)
    {
        var body = await DeserializeAsync(context, options.MaxRequestBytes).ConfigureAwait(false)
            ?? throw Refuse(ServiceError.InvalidType(null, "a JSON object"));
        var texts = Texts(body.Input, options.MaxInputs);
        var base64 = body.EncodingFormat switch
        {
            null or "float" => false,
            "base64" => true,
            _ => throw Refuse(ServiceError.InvalidValue("encoding_format",
                $"'encoding_format' is '{body.EncodingFormat}'; it must be 'float' (the default) or 'base64'.")),
        };

        if (body.Model is { } requested && model.Id is { } served && !string.Equals(requested, served, StringComparison.Ordinal))
        {
            throw Refuse(ServiceError.ModelNotFound(requested, served));
        }

        if (body.Dimensions is { } dimensions && model.Dimensions is { } length && dimensions != length)
        {
            throw Refuse(ServiceError.InvalidValue("dimensions",
                $"'dimensions' is {dimensions}, but this model's embeddings have {length}; send {length} or leave it out."));
        }

        return new ParsedEmbeddingsRequest(texts, base64);
    }

    private static async Task<EmbeddingsRequest?> DeserializeAsync(HttpContext context, long maxBytes)
    {
        if (context.Request.ContentLength > maxBytes)
        {
            throw Refuse(ServiceError.TooLarge(maxBytes));
        }

        // Kestrel enforces the limit while the body streams in, chunked bodies included.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        try
        {
            return await JsonSerializer.DeserializeAsync(context.Request.Body, ServiceJsonContext.Service.EmbeddingsRequest, context.RequestAborted)
                .ConfigureAwait(false);
        }
        catch (JsonException e) when (e.InnerException is JsonException)
        {
            // The reader failed: not JSON at all (the inner exception is the reader's).
            throw Refuse(ServiceError.InvalidJson(e.Message));
        }
        catch (JsonException e)
        {
            // JSON, but a value of the wrong type for its field (or not an object).
            var param = Field(e.Path);
            throw Refuse(ServiceError.InvalidType(param, param switch
            {
                null => "a JSON object",
                "input" => TextOrTexts,
                "dimensions" => "an integer",
                _ => "a string",
            }));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw Refuse(ServiceError.TooLarge(maxBytes));
        }
        catch (BadHttpRequestException e)
        {
            throw Refuse(ServiceError.Unreadable(e.Message));
        }
    }

    /// <summary>The texts of <c>input</c>: one non-empty string, or 1 to <paramref name="maxInputs"/> of them.</summary>
    private static string[] Texts(JsonElement? input, int maxInputs)
    {
        if (input is not { ValueKind: not JsonValueKind.Null } value)
        {
            throw Refuse(ServiceError.Missing("input", TextOrTexts));
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return [NonEmpty(value.GetString()!, "'input'")];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Refuse(ServiceError.InvalidType("input", TextOrTexts));
        }

        int count = value.GetArrayLength();
        if (count == 0)
        {
            throw Refuse(ServiceError.InvalidValue("input", "'input' is an empty array; send at least one text."));
        }

        if (count > maxInputs)
        {
            throw Refuse(ServiceError.TooManyInputs(count, maxInputs));
        }

        var texts = new string[count];
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            texts[i] = item.ValueKind switch
            {
                JsonValueKind.String => NonEmpty(item.GetString()!, $"'input[{i}]'"),
                JsonValueKind.Number or JsonValueKind.Array => throw Refuse(ServiceError.InvalidType("input",
                    $"{TextOrTexts} (token arrays are not supported: send the text, the service tokenizes it)")),
                _ => throw Refuse(ServiceError.InvalidType("input", $"{TextOrTexts}, but 'input[{i}]' is {item.ValueKind.ToString().ToLowerInvariant()}")),
            };
            i++;
        }

        return texts;
    }

    private static string NonEmpty(string text, string what) =>
        text.Length > 0 ? text : throw Refuse(ServiceError.InvalidValue("input", $"{what} is an empty string; every text needs at least one character."));

    /// <summary>The top-level field a JSON path points into (<c>$.dimensions</c> → <c>dimensions</c>); <see langword="null"/> for the root.</summary>
    private static string? Field(string? path)
    {
        if (path is null || !path.StartsWith("$.", StringComparison.Ordinal))
        {
            return null;
        }

        int end = path.IndexOfAny(['.', '['], 2);
        return end < 0 ? path[2..] : path[2..end];
    }

    private static InvalidEmbeddingsRequestException Refuse(ServiceError error) => new(error);
}

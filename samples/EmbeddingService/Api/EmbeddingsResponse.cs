using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EmbeddingService;

/// <summary>The answer of <c>POST /v1/embeddings</c>, shaped as OpenAI's: <c>{ "object": "list", "data": [...], "model", "usage" }</c>.</summary>
internal sealed class EmbeddingsResponse
{
    public string Object => "list";

    public required IReadOnlyList<EmbeddingItem> Data { get; init; }

    public required string Model { get; init; }

    public required EmbeddingsUsage Usage { get; init; }
}

/// <summary>One input's embedding: <c>{ "object": "embedding", "index": i, "embedding": [...] or "base64" }</c>.</summary>
internal sealed class EmbeddingItem
{
    public string Object => "embedding";

    public required int Index { get; init; }

    public required EmbeddingVector Embedding { get; init; }
}

/// <summary>Tokens the model read for the request; OpenAI's embedding usage has no output tokens, so both counts are equal.</summary>
internal sealed class EmbeddingsUsage
{
    public required long PromptTokens { get; init; }

    public required long TotalTokens { get; init; }
}

/// <summary>A vector written as a JSON array of numbers or, with <see cref="Base64"/>, as one base64 string of its
/// little-endian float32 bytes (what <c>encoding_format: "base64"</c> asks for, and what the OpenAI clients send).</summary>
/// <param name="Vector">The embedding.</param>
/// <param name="Base64">Whether to write base64.</param>
[JsonConverter(typeof(EmbeddingVectorConverter))]
internal readonly record struct EmbeddingVector(ReadOnlyMemory<float> Vector, bool Base64);

/// <summary>Writes an <see cref="EmbeddingVector"/> (the service never reads one). Numbers are written in the shortest
/// form that reads back as the same float; base64 is written unescaped.</summary>
internal sealed class EmbeddingVectorConverter : JsonConverter<EmbeddingVector>
{
    public override EmbeddingVector Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("The service writes embeddings; it never reads them.");

    public override void Write(Utf8JsonWriter writer, EmbeddingVector value, JsonSerializerOptions options)
    {
        var vector = value.Vector.Span;
        if (!value.Base64)
        {
            writer.WriteStartArray();
            foreach (float x in vector)
            {
                writer.WriteNumberValue(x);
            }

            writer.WriteEndArray();
            return;
        }

        if (BitConverter.IsLittleEndian)
        {
            writer.WriteBase64StringValue(MemoryMarshal.AsBytes(vector));
            return;
        }

        var bytes = new byte[vector.Length * sizeof(float)];
        for (int i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        }

        writer.WriteBase64StringValue(bytes);
    }
}

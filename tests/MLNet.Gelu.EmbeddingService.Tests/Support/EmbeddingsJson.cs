using System.Runtime.InteropServices;
using System.Text.Json;

namespace MLNet.Gelu.EmbeddingService.Tests.Support;

/// <summary>Reads an embeddings answer with System.Text.Json alone (float arrays or base64).</summary>
internal static class EmbeddingsJson
{
    public static async Task<float[][]> VectorsAsync(HttpResponseMessage response) => Vectors(await response.Content.ReadAsStringAsync()).Vectors;

    /// <summary>The vectors in <c>data</c>, by index, and <c>usage.prompt_tokens</c>.</summary>
    public static (float[][] Vectors, long Tokens) Vectors(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var data = root.GetProperty("data");
        var vectors = new float[data.GetArrayLength()][];
        foreach (var item in data.EnumerateArray())
        {
            var embedding = item.GetProperty("embedding");
            vectors[item.GetProperty("index").GetInt32()] = embedding.ValueKind == JsonValueKind.String
                ? MemoryMarshal.Cast<byte, float>(embedding.GetBytesFromBase64()).ToArray()
                : embedding.EnumerateArray().Select(e => e.GetSingle()).ToArray();
        }

        return (vectors, root.GetProperty("usage").GetProperty("prompt_tokens").GetInt64());
    }
}

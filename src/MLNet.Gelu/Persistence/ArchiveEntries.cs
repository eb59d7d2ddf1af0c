using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace MLNet.Gelu.Persistence;

/// <summary>
/// How this library reads and writes its own entries of a model zip (the manifest and each archived component's
/// entries): one JSON configuration (camelCase, enums as names, case-insensitive on reading so that the PascalCase
/// entries of 0.1.0 still read), a size limit on every entry read, and errors that name the entry and the file.
/// </summary>
internal static class ArchiveEntries
{
    /// <summary>The largest entry this library reads (a BERT model's ONNX file is the largest it writes; protobuf caps it at 2 GiB).</summary>
    internal const long MaxEntryBytes = 2L << 30;

    /// <summary>The largest JSON entry this library reads (its own are a few kilobytes).</summary>
    internal const long MaxJsonBytes = 64L << 20;

    /// <summary>The one serializer configuration of every JSON entry.</summary>
    public static JsonSerializerOptions Json { get; } = Configure(new DefaultJsonTypeInfoResolver());

    /// <summary>
    /// The configuration with properties left out of the JSON: <paramref name="notSaved"/> lists, per type, the .NET
    /// property names that are never written nor read (such as a callback or a cancellation token).
    /// </summary>
    public static JsonSerializerOptions Without(params (Type Type, string[] Properties)[] notSaved)
    {
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(info =>
        {
            foreach (var (type, properties) in notSaved)
            {
                if (type.IsAssignableFrom(info.Type))
                {
                    foreach (var property in info.Properties.Where(p => p.AttributeProvider is System.Reflection.MemberInfo m && properties.Contains(m.Name)).ToList())
                    {
                        info.Properties.Remove(property);
                    }
                }
            }
        });
        return Configure(resolver);
    }

    /// <summary>Writes <paramref name="value"/> as the JSON entry <paramref name="name"/>.</summary>
    public static void WriteJson<T>(ZipArchive archive, string name, T value, JsonSerializerOptions? options = null)
    {
        using var stream = archive.CreateEntry(name, CompressionLevel.Optimal).Open();
        JsonSerializer.Serialize(stream, value, options ?? Json);
    }

    /// <summary>Reads the JSON entry <paramref name="name"/>.</summary>
    /// <exception cref="InvalidDataException">The entry is missing, too large, empty or not valid JSON for <typeparamref name="T"/>.</exception>
    public static T ReadJson<T>(ZipArchive archive, string name, string source, JsonSerializerOptions? options = null) =>
        Parse(name, source, () =>
        {
            using var stream = Open(archive, name, source, MaxJsonBytes);
            return JsonSerializer.Deserialize<T>(stream, options ?? Json);
        });

    /// <summary>Reads the JSON entry <paramref name="name"/> as an object, to take fields out before deserializing the rest.</summary>
    /// <exception cref="InvalidDataException">The entry is missing, too large or not a JSON object.</exception>
    public static JsonObject ReadObject(ZipArchive archive, string name, string source) =>
        Parse(name, source, () =>
        {
            using var stream = Open(archive, name, source, MaxJsonBytes);
            return JsonNode.Parse(stream) as JsonObject;
        });

    /// <summary>Deserializes <paramref name="node"/>, with the same errors as <see cref="ReadJson"/>.</summary>
    public static T Deserialize<T>(JsonNode node, string name, string source, JsonSerializerOptions? options = null) =>
        Parse(name, source, () => node.Deserialize<T>(options ?? Json));

    /// <summary>Writes <paramref name="bytes"/> as the entry <paramref name="name"/>.</summary>
    public static void WriteBytes(ZipArchive archive, string name, ReadOnlySpan<byte> bytes, CompressionLevel compression = CompressionLevel.Optimal)
    {
        using var stream = archive.CreateEntry(name, compression).Open();
        stream.Write(bytes);
    }

    /// <summary>Opens the entry <paramref name="name"/> for reading.</summary>
    /// <exception cref="InvalidDataException">The entry is missing, or larger than <paramref name="limit"/> (default
    /// <see cref="MaxEntryBytes"/>): a zip bomb fails here, before anything is inflated.</exception>
    public static Stream Open(ZipArchive archive, string name, string source, long limit = MaxEntryBytes)
    {
        var entry = archive.GetEntry(name)
            ?? throw new InvalidDataException($"{source} lacks the entry '{name}' that its manifest promises; the file was changed after saving.");
        if (entry.Length > limit)
        {
            throw new InvalidDataException($"The entry '{name}' of {source} holds {entry.Length} bytes, more than the {limit} this library reads there; the file is not one it wrote.");
        }

        return entry.Open();
    }

    private static T Parse<T>(string name, string source, Func<T?> read)
    {
        try
        {
            return read() ?? throw new JsonException("the entry is empty or null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The entry '{name}' of {source} cannot be read: {e.Message}", e);
        }
    }

    private static JsonSerializerOptions Configure(IJsonTypeInfoResolver resolver)
    {
        var options = new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            PropertyNameCaseInsensitive = true,
            Converters = { new JsonStringEnumConverter() },
            TypeInfoResolver = resolver,
        };
        options.MakeReadOnly();
        return options;
    }
}

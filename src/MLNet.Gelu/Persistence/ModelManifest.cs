using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MLNet.Gelu.Persistence;

/// <summary>
/// What a model zip saved by this library holds beyond ML.NET's own entries: for each activation or MLP transformer, where it
/// sits in the transformer tree and how to rebuild it. ML.NET ignores the extra entry.
/// </summary>
internal sealed class ModelManifest
{
    /// <summary>The zip entry name.</summary>
    internal const string EntryName = "MLNet.Gelu/manifest.json";

    /// <summary>The only format this version writes and reads.</summary>
    internal const int CurrentFormat = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Manifest format version.</summary>
    public int Format { get; set; } = CurrentFormat;

    /// <summary>The library that wrote the model (informational).</summary>
    public string Writer { get; set; } = "MLNet.Gelu " + typeof(ModelManifest).Assembly.GetName().Version;

    /// <summary>The activation transformers, in tree order.</summary>
    public List<ActivationEntry> Activations { get; set; } = [];

    /// <summary>The MLP prediction transformers in the model, saved as ONNX surrogates.</summary>
    public List<MlpEntry> Mlps { get; set; } = [];

    /// <summary>Binary parts written beside the manifest, by zip entry name (the MLP parameters).</summary>
    [JsonIgnore]
    internal Dictionary<string, byte[]> Attachments { get; } = new(StringComparer.Ordinal);

    internal sealed class ActivationEntry
    {
        /// <summary>Indices from the root model down through nested <c>TransformerChain</c>s; empty when the model itself is the transformer.</summary>
        public int[] Path { get; set; } = [];

        public Activation Activation { get; set; }

        public List<ColumnEntry> Columns { get; set; } = [];
    }

    internal sealed class ColumnEntry
    {
        public string Output { get; set; } = string.Empty;

        public string Input { get; set; } = string.Empty;

        /// <summary>Whether the input was a vector of Single (otherwise Single) when the transformer was fitted.</summary>
        public bool Vector { get; set; }
    }

    /// <summary>Where an MLP transformer is and what it needs to come back: its kind, feature column, parameters entry.</summary>
    internal sealed class MlpEntry
    {
        public int[] Path { get; set; } = [];

        public bool Binary { get; set; }

        public string FeatureColumn { get; set; } = string.Empty;

        public string Parameters { get; set; } = string.Empty;
    }

    internal void WriteTo(ZipArchive archive)
    {
        var entry = archive.CreateEntry(EntryName, CompressionLevel.Optimal);
        using (var stream = entry.Open())
        {
            JsonSerializer.Serialize(stream, this, Json);
        }

        foreach (var (name, bytes) in Attachments)
        {
            using var attachment = archive.CreateEntry(name, CompressionLevel.Optimal).Open();
            attachment.Write(bytes);
        }
    }

    /// <summary>Reads the manifest of <paramref name="archive"/>, or <see langword="null"/> when it has none (a plain ML.NET save).</summary>
    /// <exception cref="InvalidDataException">The entry exists but cannot be read, or has a format this version does not know.</exception>
    internal static ModelManifest? ReadFrom(ZipArchive archive, string source)
    {
        var entry = archive.GetEntry(EntryName);
        if (entry is null)
        {
            return null;
        }

        ModelManifest? manifest;
        try
        {
            using var stream = entry.Open();
            manifest = JsonSerializer.Deserialize<ModelManifest>(stream, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The entry '{EntryName}' of {source} is not a valid MLNet.Gelu manifest: {e.Message}", e);
        }

        if (manifest is null || manifest.Format != CurrentFormat)
        {
            throw new InvalidDataException(
                $"The entry '{EntryName}' of {source} has manifest format {manifest?.Format.ToString() ?? "null"}; this version of MLNet.Gelu reads format {CurrentFormat}. " +
                "Load it with plain mlContext.Model.Load, or with the MLNet.Gelu version that saved it.");
        }

        foreach (var mlp in manifest.Mlps)
        {
            var part = archive.GetEntry(mlp.Parameters) ?? throw new InvalidDataException(
                $"The manifest of {source} names MLP parameters '{mlp.Parameters}', but the file has no such entry. Load it with plain mlContext.Model.Load.");
            using var stream = part.Open();
            using var bytes = new MemoryStream();
            stream.CopyTo(bytes);
            manifest.Attachments[mlp.Parameters] = bytes.ToArray();
        }

        return manifest;
    }
}

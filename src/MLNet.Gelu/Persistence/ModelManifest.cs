using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MLNet.Gelu.Persistence;

/// <summary>
/// What a model zip saved by this library holds beyond ML.NET's own entries (ML.NET ignores them): for each of the
/// library's transformers (<see cref="IArchivedTransformer"/>), its kind, where it sits in the transformer tree, its
/// JSON state and the folder of its binary entries.
/// </summary>
/// <remarks>
/// Format 2 (this version) lists every transformer under <see cref="Components"/>. Format 1 (0.1.0) listed activation
/// transformers separately under <c>activations</c> and kept the MLP's and BERT's JSON state in entries of their folders;
/// <see cref="ReadFrom"/> reads it into the same shape.
/// </remarks>
internal sealed class ModelManifest
{
    /// <summary>The zip entry name.</summary>
    internal const string EntryName = "MLNet.Gelu/manifest.json";

    /// <summary>The format this version writes.</summary>
    internal const int CurrentFormat = 2;

    /// <summary>Manifest format version: 2, or 1 in files of 0.1.0.</summary>
    public int Format { get; set; } = CurrentFormat;

    /// <summary>The library that wrote the model (informational).</summary>
    public string Writer { get; set; } = "MLNet.Gelu " + typeof(ModelManifest).Assembly.GetName().Version;

    /// <summary>The library's transformers, in tree order.</summary>
    public List<ComponentEntry> Components { get; set; } = [];

    /// <summary>Format 1 only: the activation transformers (read, never written).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<LegacyActivationEntry>? Activations { get; set; }

    internal sealed class ComponentEntry
    {
        /// <summary>Indices from the root model down through nested <c>TransformerChain</c>s; empty when the model itself is the transformer.</summary>
        public int[] Path { get; set; } = [];

        /// <summary>What the transformer is, for example <c>BertScoring</c>: the key of its restorer in <see cref="KnownRestorers"/>.</summary>
        public string Kind { get; set; } = string.Empty;

        /// <summary>The zip folder that holds its binary entries, if any.</summary>
        public string Folder { get; set; } = string.Empty;

        /// <summary>Its JSON state; null in format 1, where MLP and BERT components kept it in an entry of their folder.</summary>
        public JsonObject? State { get; set; }
    }

    internal sealed class ColumnEntry
    {
        public string Output { get; set; } = string.Empty;

        public string Input { get; set; } = string.Empty;

        /// <summary>Whether the input was a vector of Single (otherwise Single) when the transformer was fitted.</summary>
        public bool Vector { get; set; }
    }

    /// <summary>An activation transformer as format 1 recorded it.</summary>
    internal sealed class LegacyActivationEntry
    {
        public int[] Path { get; set; } = [];

        public Activation Activation { get; set; }

        public List<ColumnEntry> Columns { get; set; } = [];
    }

    internal void WriteTo(ZipArchive archive) => ArchiveEntries.WriteJson(archive, EntryName, this);

    /// <summary>Reads the manifest of <paramref name="archive"/>, or <see langword="null"/> when it has none (a plain ML.NET save).</summary>
    /// <exception cref="InvalidDataException">The entry exists but cannot be read, or has a format this version does not know.</exception>
    internal static ModelManifest? ReadFrom(ZipArchive archive, string source)
    {
        if (archive.GetEntry(EntryName) is null)
        {
            return null;
        }

        var manifest = ArchiveEntries.ReadJson<ModelManifest>(archive, EntryName, source);
        if (manifest.Format is not (1 or CurrentFormat))
        {
            throw new InvalidDataException(
                $"The entry '{EntryName}' of {source} has manifest format {manifest.Format}; this version of MLNet.Gelu reads formats 1 and {CurrentFormat}. " +
                "Load it with plain mlContext.Model.Load, or with the MLNet.Gelu version that saved it.");
        }

        foreach (var activation in manifest.Activations ?? [])
        {
            var state = new ActivationRestorer.State { Activation = activation.Activation, Columns = activation.Columns };
            manifest.Components.Add(new ComponentEntry
            {
                Path = activation.Path,
                Kind = ActivationRestorer.Kind,
                State = JsonSerializer.SerializeToNode(state, ArchiveEntries.Json)!.AsObject(),
            });
        }

        manifest.Activations = null;
        return manifest;
    }
}

using System.IO.Compression;

namespace MLNet.Gelu.Persistence;

/// <summary>
/// What a model zip saved by this library holds beyond ML.NET's own entries: for each activation transformer, where it
/// sits in the transformer tree and how to rebuild it. ML.NET ignores the extra entry.
/// </summary>
internal sealed class ModelManifest
{
    /// <summary>The zip entry name.</summary>
    internal const string EntryName = "MLNet.Gelu/manifest.json";

    /// <summary>The only format this version writes and reads.</summary>
    internal const int CurrentFormat = 1;

    /// <summary>Manifest format version.</summary>
    public int Format { get; set; } = CurrentFormat;

    /// <summary>The library that wrote the model (informational).</summary>
    public string Writer { get; set; } = "MLNet.Gelu " + typeof(ModelManifest).Assembly.GetName().Version;

    /// <summary>The activation transformers, in tree order.</summary>
    public List<ActivationEntry> Activations { get; set; } = [];

    /// <summary>Transformers that wrote their own zip entries (<see cref="IArchivedTransformer"/>), in tree order.</summary>
    public List<ComponentEntry> Components { get; set; } = [];

    internal sealed class ActivationEntry
    {
        /// <summary>Indices from the root model down through nested <c>TransformerChain</c>s; empty when the model itself is the transformer.</summary>
        public int[] Path { get; set; } = [];

        public Activation Activation { get; set; }

        public List<ColumnEntry> Columns { get; set; } = [];
    }

    internal sealed class ComponentEntry
    {
        /// <summary>Indices from the root model down through nested <c>TransformerChain</c>s.</summary>
        public int[] Path { get; set; } = [];

        /// <summary>What the transformer is (informational), for example <c>BertScoring</c>.</summary>
        public string Kind { get; set; } = string.Empty;

        /// <summary>The assembly-qualified name of the <see cref="ITransformerRestorer"/> that rebuilds it.</summary>
        public string Restorer { get; set; } = string.Empty;

        /// <summary>The zip folder that holds its entries.</summary>
        public string Folder { get; set; } = string.Empty;
    }

    internal sealed class ColumnEntry
    {
        public string Output { get; set; } = string.Empty;

        public string Input { get; set; } = string.Empty;

        /// <summary>Whether the input was a vector of Single (otherwise Single) when the transformer was fitted.</summary>
        public bool Vector { get; set; }
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
        if (manifest.Format != CurrentFormat)
        {
            throw new InvalidDataException(
                $"The entry '{EntryName}' of {source} has manifest format {manifest.Format}; this version of MLNet.Gelu reads format {CurrentFormat}. " +
                "Load it with plain mlContext.Model.Load, or with the MLNet.Gelu version that saved it.");
        }

        return manifest;
    }
}

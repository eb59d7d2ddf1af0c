using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Persistence;

namespace MLNet.Gelu;

/// <summary>
/// Saves and loads models that contain this library's transformers (<see cref="ActivationTransformer"/>s, MLP
/// prediction transformers, and the BERT scoring transformers of MLNet.Gelu.Bert):
/// <c>mlContext.Model.SaveWithActivations(...)</c> and <c>mlContext.Model.LoadWithActivations(...)</c>.
/// </summary>
/// <remarks>
/// <para>
/// An activation transformer always saves as equivalent built-in Expression transforms, so any ML.NET app loads the
/// model with plain <c>mlContext.Model.Load</c>, without this library (outputs within 1e‑6 relative of the original).
/// <see cref="SaveWithActivations(ModelOperationsCatalog, ITransformer, DataViewSchema?, string)"/> also writes a
/// manifest entry (<c>MLNet.Gelu/manifest.json</c>, ignored by ML.NET) saying where each activation transformer
/// sits; <see cref="LoadWithActivations(ModelOperationsCatalog, string, out DataViewSchema)"/> reads it and puts the
/// native transformers back (bit-identical outputs, full speed). A model saved with plain <c>Model.Save</c> has no
/// manifest: <c>LoadWithActivations</c> then returns it as ML.NET loads it.
/// </para>
/// <para>
/// Transformers whose state does not fit ML.NET's format (a BERT scoring transformer's ONNX model, vocabulary and
/// options) write their own entries under <c>MLNet.Gelu/&lt;kind&gt;/</c>, listed in the same manifest, and are restored
/// by their library. A BERT scorer's ML.NET stand-in cannot compute, so plain <c>Model.Load</c> of such a file fails
/// with a message naming <c>LoadWithActivations</c>. An MLP's stand-in is ML.NET's <c>ApplyOnnxModel</c> over an ONNX
/// graph of the network, followed by ML.NET's own prediction head: plain <c>Model.Load</c> returns a working model
/// (outputs within about 1e‑5 of the original; one ONNX Runtime call per row) that needs the package
/// <c>Microsoft.ML.OnnxRuntime</c>, and so does saving; its entries carry the network's parameters, so
/// <c>LoadWithActivations</c> returns the native transformer with identical outputs.
/// </para>
/// <para>
/// Saving is safe: the model is checked first, then written to a temporary file beside the target and renamed over
/// it, so a failed save never leaves a partial or corrupt file. Only load models from trusted sources.
/// </para>
/// </remarks>
public static class GeluModelOperations
{
    /// <summary>
    /// Saves <paramref name="model"/> to <paramref name="filePath"/> as ML.NET does, plus a manifest of its activation
    /// transformers; writes a temporary file next to the target and renames it, replacing any existing file.
    /// </summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="model">The model to save (a transformer or a chain of them).</param>
    /// <param name="inputSchema">The schema of the model's input, saved with it (may be <see langword="null"/>, as in <c>Model.Save</c>).</param>
    /// <param name="filePath">Where to write the model zip.</param>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/>, <paramref name="model"/> or <paramref name="filePath"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The model cannot be applied to <paramref name="inputSchema"/> (a column is missing or of the wrong type); nothing is written.</exception>
    /// <exception cref="IOException">The file cannot be written; the target is left as it was.</exception>
    /// <exception cref="ArgumentException"><paramref name="filePath"/> is empty.</exception>
    public static void SaveWithActivations(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema? inputSchema, string filePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        var (manifest, components) = Describe(catalog, model, inputSchema);
        string fullPath = Path.GetFullPath(filePath);
        string directory = Path.GetDirectoryName(fullPath) ?? ".";
        string temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            catalog.Save(model, inputSchema, temporary);
            using (var archive = ZipFile.Open(temporary, ZipArchiveMode.Update))
            {
                WriteManifest(archive, manifest, components);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>
    /// Saves <paramref name="model"/> to <paramref name="stream"/> as ML.NET does, plus a manifest of its activation
    /// transformers. The zip is built in memory first, so nothing is written to the stream if saving fails.
    /// </summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="model">The model to save.</param>
    /// <param name="inputSchema">The schema of the model's input (may be <see langword="null"/>).</param>
    /// <param name="stream">A writable stream; left open.</param>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/>, <paramref name="model"/> or <paramref name="stream"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not writable.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The model cannot be applied to <paramref name="inputSchema"/>; nothing is written.</exception>
    public static void SaveWithActivations(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema? inputSchema, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream is not writable.", nameof(stream));
        }

        var (manifest, components) = Describe(catalog, model, inputSchema);
        using var buffer = new MemoryStream();
        catalog.Save(model, inputSchema, buffer);
        buffer.Position = 0;
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Update, leaveOpen: true))
        {
            WriteManifest(archive, manifest, components);
        }

        buffer.Position = 0;
        buffer.CopyTo(stream);
    }

    /// <summary>
    /// Loads a model zip; where its manifest records activation transformers, replaces their built-in stand-ins with
    /// native <see cref="ActivationTransformer"/>s. Without a manifest it returns what <c>Model.Load</c> returns.
    /// </summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="filePath">The model zip.</param>
    /// <param name="inputSchema">The input schema saved with the model.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> or <paramref name="filePath"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="filePath"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a zip, or the manifest is unreadable or does not match the model.</exception>
    public static ITransformer LoadWithActivations(this ModelOperationsCatalog catalog, string filePath, out DataViewSchema inputSchema)
    {
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        using var stream = File.OpenRead(filePath);
        return Load(catalog, stream, filePath, out inputSchema);
    }

    /// <summary>Loads a model zip from a stream; see <see cref="LoadWithActivations(ModelOperationsCatalog, string, out DataViewSchema)"/>.</summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="stream">A readable stream holding the model zip (copied to memory when not seekable); left open.</param>
    /// <param name="inputSchema">The input schema saved with the model.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> or <paramref name="stream"/> is null.</exception>
    /// <exception cref="InvalidDataException">The bytes are not a zip, or the manifest is unreadable or does not match the model.</exception>
    public static ITransformer LoadWithActivations(this ModelOperationsCatalog catalog, Stream stream, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.CanSeek)
        {
            return Load(catalog, stream, "the model stream", out inputSchema);
        }

        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.Position = 0;
        return Load(catalog, copy, "the model stream", out inputSchema);
    }

    private static ITransformer Load(ModelOperationsCatalog catalog, Stream stream, string source, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        long start = stream.Position;
        ModelManifest? manifest;
        using (var archive = OpenArchive(stream, source))
        {
            manifest = ModelManifest.ReadFrom(archive, source);
        }

        // A component's stand-in may need a factory from the component's assembly (for example a CustomMapping).
        var restorers = manifest?.Components.Select(c => ResolveRestorer(c, source)).ToArray() ?? [];
        foreach (var restorer in restorers)
        {
            CatalogOf(catalog).RegisterAssembly(restorer.Assembly);
        }

        stream.Position = start;
        var model = catalog.Load(stream, out inputSchema);
        if (manifest is null)
        {
            return model;
        }

        stream.Position = start;
        using var entries = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        return RestoreComponents(model, manifest, entries, source, EnvironmentOf(catalog));
    }

    /// <summary>Opens the model zip; bytes that are not a zip fail naming the source, not with the zip reader's bare message.</summary>
    private static ZipArchive OpenArchive(Stream stream, string source)
    {
        try
        {
            return new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{source} is not a model saved by ML.NET: it is not a zip archive ({e.Message}).", e);
        }
    }

    /// <summary>The restorer of a component entry, from the library's own list (<see cref="KnownRestorers"/>).</summary>
    private static Type ResolveRestorer(ModelManifest.ComponentEntry entry, string source) =>
        KnownRestorers.Find(entry.Kind, out string problem) is { } type && typeof(ITransformerRestorer).IsAssignableFrom(type)
            ? type
            : throw new InvalidDataException(
                $"The manifest of {source} records a {entry.Kind} transformer at position [{string.Join(", ", entry.Path)}] that cannot be restored: {problem}.");

    /// <summary>The component catalog of the context a model catalog belongs to (ML.NET keeps the link internal).</summary>
    private static Microsoft.ML.Runtime.ComponentCatalog CatalogOf(ModelOperationsCatalog catalog) => EnvironmentOf(catalog).ComponentCatalog;

    /// <summary>The environment of the context a model catalog belongs to (ML.NET keeps the link internal).</summary>
    private static Microsoft.ML.Runtime.IHostEnvironment EnvironmentOf(ModelOperationsCatalog catalog)
    {
        var property = typeof(ModelOperationsCatalog).Assembly.GetType("Microsoft.ML.Data.IInternalCatalog")?.GetProperty("Environment");
        return property?.GetValue(catalog) as Microsoft.ML.Runtime.IHostEnvironment
            ?? throw new InvalidOperationException("This ML.NET version does not expose the model catalog's environment; MLNet.Gelu supports ML.NET 5.0.");
    }

    /// <summary>Writes each component's entries, then the manifest with the state each returned.</summary>
    private static void WriteManifest(ZipArchive archive, ModelManifest manifest, IReadOnlyList<IArchivedTransformer> components)
    {
        for (int i = 0; i < components.Count; i++)
        {
            manifest.Components[i].State = components[i].Archive(archive, manifest.Components[i].Folder);
        }

        manifest.WriteTo(archive);
    }

    /// <summary>
    /// Puts every archived component back. When one fails, the components restored before it (which may hold native
    /// resources, such as a BERT transformer's ONNX Runtime session) are disposed before the exception propagates.
    /// </summary>
    private static ITransformer RestoreComponents(
        ITransformer model, ModelManifest manifest, ZipArchive archive, string source, Microsoft.ML.Runtime.IHostEnvironment environment)
    {
        var restored = new List<ITransformer>();
        try
        {
            foreach (var entry in manifest.Components)
            {
                string where = $"[{string.Join(", ", entry.Path)}]";
                var node = ModelTree.At(model, entry.Path) ?? throw new InvalidDataException(
                    $"The manifest of {source} records a {entry.Kind} transformer at position {where}, but the model has nothing there. The file was changed after saving.");

                var type = ResolveRestorer(entry, source);
                var restorer = (ITransformerRestorer)Activator.CreateInstance(type, nonPublic: true)!;
                var restoredComponent = restorer.Restore(node, new ArchivedComponent(archive, entry.Folder, source, entry.State, where, environment));
                restored.Add(restoredComponent);
                model = ModelTree.Replace(model, entry.Path, restoredComponent);
            }
        }
        catch
        {
            foreach (var component in restored)
            {
                (component as IDisposable)?.Dispose();
            }

            throw;
        }

        return model;
    }

    /// <summary>Checks the model before anything is written and lists the library's transformers in it.</summary>
    private static (ModelManifest Manifest, IReadOnlyList<IArchivedTransformer> Components) Describe(ModelOperationsCatalog catalog, ITransformer model, DataViewSchema? inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        if (inputSchema is not null)
        {
            model.GetOutputSchema(inputSchema);
        }

        var manifest = new ModelManifest();
        var components = new List<IArchivedTransformer>();
        foreach (var (path, transformer) in ModelTree.Find<IArchivedTransformer>(model))
        {
            manifest.Components.Add(new ModelManifest.ComponentEntry
            {
                Path = path,
                Kind = transformer.Kind,
                Folder = $"MLNet.Gelu/{transformer.Kind}/{string.Join("-", path.Prepend(components.Count))}/",
            });
            components.Add(transformer);
        }

        return (manifest, components);
    }
}

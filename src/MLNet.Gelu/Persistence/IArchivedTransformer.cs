using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;

namespace MLNet.Gelu.Persistence;

/// <summary>
/// A transformer of this library (or of a library built on it) that ML.NET's own format does not keep exactly. Every
/// one is saved the same way: ML.NET saves its stand-in (its <c>Save</c>), the manifest records its kind, its position
/// in the model and its JSON state (<see cref="Archive"/>), and binary state (a model file, parameters) goes to zip
/// entries under its own folder. <see cref="KnownRestorers"/> maps the kind to the <see cref="ITransformerRestorer"/>
/// that puts it back.
/// </summary>
internal interface IArchivedTransformer : ITransformer
{
    /// <summary>The kind recorded in the manifest (for example <c>BertScoring</c>); a key of <see cref="KnownRestorers"/>.</summary>
    string Kind { get; }

    /// <summary>Writes any binary state under <paramref name="folder"/> (a zip path prefix ending in '/') and returns the JSON state for the manifest.</summary>
    JsonObject Archive(ZipArchive archive, string folder);
}

/// <summary>Rebuilds an <see cref="IArchivedTransformer"/> around the stand-in ML.NET loaded.</summary>
internal interface ITransformerRestorer
{
    /// <summary>Returns the native transformer for the stand-in <paramref name="surrogate"/>.</summary>
    /// <exception cref="InvalidDataException">The state or entries are missing or unreadable, or the stand-in is not the one
    /// this kind saves; the message names the file.</exception>
    ITransformer Restore(ITransformer surrogate, ArchivedComponent component);
}

/// <summary>
/// What a restorer gets: the component's JSON state and zip entries. Files of 0.1.0 kept the state of MLP and BERT
/// components in an entry of their folder instead of the manifest; <see cref="ReadState"/> reads either.
/// </summary>
/// <param name="Archive">The model zip.</param>
/// <param name="Folder">The component's folder (prefix of its entries).</param>
/// <param name="Source">The file name or "the model stream", for messages.</param>
/// <param name="State">The state recorded in the manifest; null in files of 0.1.0.</param>
/// <param name="Where">The component's position in the model, for messages (for example <c>[0, 2]</c>).</param>
/// <param name="Environment">The ML.NET environment of the context that loads the model (so that a restored component
/// can report to its <c>MLContext.Log</c>); null when unknown.</param>
internal sealed record ArchivedComponent(ZipArchive Archive, string Folder, string Source, JsonObject? State, string Where,
    Microsoft.ML.Runtime.IHostEnvironment? Environment = null)
{
    /// <summary>The JSON state: from the manifest, or (0.1.0) from the entry <paramref name="legacyEntry"/> of the folder.</summary>
    public JsonObject ReadState(string? legacyEntry) =>
        State ?? (legacyEntry is null
            ? throw new InvalidDataException($"The manifest of {Source} records no state for the component at {Where}; the file was changed after saving.")
            : ArchiveEntries.ReadObject(Archive, Folder + legacyEntry, Source));

    /// <summary>The JSON state as <typeparamref name="T"/>.</summary>
    public T ReadState<T>(string? legacyEntry, JsonSerializerOptions? options = null) =>
        ArchiveEntries.Deserialize<T>(ReadState(legacyEntry), $"state of the component at {Where}", Source, options);

    /// <summary>Opens the entry <paramref name="name"/> of the component's folder.</summary>
    public Stream Open(string name) => ArchiveEntries.Open(Archive, Folder + name, Source);
}

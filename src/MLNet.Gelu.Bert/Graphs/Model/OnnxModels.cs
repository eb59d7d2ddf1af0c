using Google.Protobuf;
using Onnx;

namespace MLNet.Gelu.Bert.Graphs.Model;

/// <summary>Parses and checks ONNX model bytes.</summary>
internal static class OnnxModels
{
    public static ModelProto Parse(byte[] bytes, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(bytes, parameterName);
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ArgumentException($"The {bytes.Length} bytes given are not an ONNX model (protobuf ModelProto): {e.Message}", parameterName, e);
        }

        return CheckHasGraph(model, parameterName);
    }

    public static ModelProto CheckHasGraph(ModelProto model, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(model, parameterName);
        if (model.Graph is null || model.Graph.Node.Count == 0)
        {
            throw new ArgumentException("The ONNX model has no graph nodes; pass a complete model (a ModelProto with a graph).", parameterName);
        }

        return model;
    }

    /// <summary>The model's operator-set imports by domain (<c>""</c> for the default domain).</summary>
    public static IReadOnlyDictionary<string, long> Opsets(ModelProto model) =>
        model.OpsetImport
            .GroupBy(o => GraphIndex.IsDefaultDomain(o.Domain) ? string.Empty : o.Domain)
            .ToDictionary(g => g.Key, g => g.Max(o => o.Version));
}

using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace MLNet.Gelu.Persistence;

/// <summary>
/// Archives an MLP prediction transformer beside its ONNX stand-in (its parameters as an entry, what it reads as JSON state), and swaps the
/// stand-in that ML.NET loaded back for the native transformer, reusing the loaded ML.NET head (which carries the
/// label's key values).
/// </summary>
internal sealed class MlpRestorer : ITransformerRestorer
{
    internal const string Kind = "Mlp";
    /// <summary>Where 0.1.0 kept the JSON state that the manifest now records.</summary>
    private const string LegacyDescriptionEntry = "mlp.json";
    private const string ParametersEntry = "parameters.bin";

    internal static JsonObject Archive(MlpScorer scorer, bool binary, ZipArchive archive, string folder)
    {
        using (var parameters = archive.CreateEntry(folder + ParametersEntry, CompressionLevel.Optimal).Open())
        {
            scorer.Model.WriteTo(parameters);
        }

        return JsonSerializer.SerializeToNode(new Description { Binary = binary, FeatureColumn = scorer.FeatureColumnName }, ArchiveEntries.Json)!.AsObject();
    }

    public ITransformer Restore(ITransformer surrogate, ArchivedComponent component)
    {
        string source = component.Source;
        var head = MlpSurrogate.HeadOf(surrogate) ?? throw new InvalidDataException(
            $"The manifest of {source} records an MLP transformer at position {component.Where}, but the model holds {surrogate.GetType().Name} there. " +
            "The file was changed after saving; load it with plain mlContext.Model.Load.");
        var description = component.ReadState<Description>(LegacyDescriptionEntry);
        var parameters = ReadParameters(component);
        bool multiclassHead = head is MulticlassPredictionTransformer<MaximumEntropyModelParameters>;
        if (description.Binary != (parameters.ClassCount == 2 && !multiclassHead))
        {
            throw new InvalidDataException($"The MLP at position {component.Where} of {source} does not match its recorded kind; load it with plain mlContext.Model.Load.");
        }

        var scorer = new MlpScorer(parameters, description.FeatureColumn, head, surrogate);
        return description.Binary ? new MlpBinaryPredictionTransformer(scorer) : new MlpMulticlassPredictionTransformer(scorer);
    }

    private static MlpModelParameters ReadParameters(ArchivedComponent component)
    {
        using var stream = component.Open(ParametersEntry);
        using var copy = new MemoryStream();
        stream.CopyTo(copy); // the parameter reader seeks
        copy.Position = 0;
        return MlpModelParameters.ReadFrom(copy);
    }

    private sealed class Description
    {
        public bool Binary { get; set; }

        public string FeatureColumn { get; set; } = string.Empty;
    }
}

using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace MLNet.Gelu.Persistence;

/// <summary>
/// Archives an MLP prediction transformer beside its ONNX stand-in (its parameters and what it reads), and swaps the
/// stand-in that ML.NET loaded back for the native transformer, reusing the loaded ML.NET head (which carries the
/// label's key values).
/// </summary>
internal sealed class MlpRestorer : ITransformerRestorer
{
    internal const string Kind = "Mlp";
    private const string DescriptionEntry = "mlp.json";
    private const string ParametersEntry = "parameters.bin";

    internal static void Write(MlpScorer scorer, bool binary, ZipArchive archive, string folder)
    {
        ArchiveEntries.WriteJson(archive, folder + DescriptionEntry, new Description { Binary = binary, FeatureColumn = scorer.FeatureColumnName });
        using var parameters = archive.CreateEntry(folder + ParametersEntry, CompressionLevel.Optimal).Open();
        scorer.Model.WriteTo(parameters);
    }

    public ITransformer Restore(ITransformer surrogate, ZipArchive archive, string folder, string source)
    {
        var head = MlpSurrogate.HeadOf(surrogate) ?? throw new InvalidDataException(
            $"The manifest of {source} records an MLP transformer in '{folder}', but the model holds {surrogate.GetType().Name} there. " +
            "The file was changed after saving; load it with plain mlContext.Model.Load.");
        var description = ArchiveEntries.ReadJson<Description>(archive, folder + DescriptionEntry, source);
        var parameters = ReadParameters(archive, folder + ParametersEntry, source);
        bool multiclassHead = head is MulticlassPredictionTransformer<MaximumEntropyModelParameters>;
        if (description.Binary != (parameters.ClassCount == 2 && !multiclassHead))
        {
            throw new InvalidDataException($"The MLP in '{folder}' of {source} does not match its recorded kind; load it with plain mlContext.Model.Load.");
        }

        var scorer = new MlpScorer(parameters, description.FeatureColumn, head, surrogate);
        return description.Binary ? new MlpBinaryPredictionTransformer(scorer) : new MlpMulticlassPredictionTransformer(scorer);
    }

    private static MlpModelParameters ReadParameters(ZipArchive archive, string name, string source)
    {
        using var stream = ArchiveEntries.Open(archive, name, source);
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

using System.IO.Compression;
using System.Text.Json;
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
        using (var stream = archive.CreateEntry(folder + DescriptionEntry, CompressionLevel.Optimal).Open())
        {
            JsonSerializer.Serialize(stream, new Description { Binary = binary, FeatureColumn = scorer.FeatureColumnName });
        }

        using var parameters = archive.CreateEntry(folder + ParametersEntry, CompressionLevel.Optimal).Open();
        scorer.Model.WriteTo(parameters);
    }

    public ITransformer Restore(ITransformer surrogate, ZipArchive archive, string folder, string source)
    {
        var head = MlpSurrogate.HeadOf(surrogate) ?? throw new InvalidDataException(
            $"The manifest of {source} records an MLP transformer in '{folder}', but the model holds {surrogate.GetType().Name} there. " +
            "The file was changed after saving; load it with plain mlContext.Model.Load.");
        var description = Read(archive, folder + DescriptionEntry, source, s => JsonSerializer.Deserialize<Description>(s))
            ?? throw new InvalidDataException($"The entry '{folder}{DescriptionEntry}' of {source} is empty.");
        var parameters = Read(archive, folder + ParametersEntry, source, MlpModelParameters.ReadFrom);
        bool multiclassHead = head is MulticlassPredictionTransformer<MaximumEntropyModelParameters>;
        if (description.Binary != (parameters.ClassCount == 2 && !multiclassHead))
        {
            throw new InvalidDataException($"The MLP in '{folder}' of {source} does not match its recorded kind; load it with plain mlContext.Model.Load.");
        }

        var scorer = new MlpScorer(parameters, description.FeatureColumn, head, surrogate);
        return description.Binary ? new MlpBinaryPredictionTransformer(scorer) : new MlpMulticlassPredictionTransformer(scorer);
    }

    private static T Read<T>(ZipArchive archive, string name, string source, Func<Stream, T> read)
    {
        var entry = archive.GetEntry(name) ?? throw new InvalidDataException(
            $"{source} has no entry '{name}', which its manifest needs to restore an MLP. Load it with plain mlContext.Model.Load.");
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy); // the parameter reader seeks
        copy.Position = 0;
        try
        {
            return read(copy);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The entry '{name}' of {source} cannot be read: {e.Message}", e);
        }
    }

    private sealed class Description
    {
        public bool Binary { get; set; }

        public string FeatureColumn { get; set; } = string.Empty;
    }
}

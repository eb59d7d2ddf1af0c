using System.Text.Json;
using System.Text.Json.Serialization;
using ActivationExperiments.Experiments;

namespace ActivationExperiments.Reporting;

/// <summary>Every run's numbers as JSON (results/MODE.json), for the notebook and for anyone re-plotting.</summary>
internal static class ResultsFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public sealed record Contents(
        string Mode, string Command, DateTime StartedUtc, double Seconds, int ProcessorCount,
        MnistExperiment.Result? Mnist, SentimentExperiment.Result? Sentiment);

    public static void Write(string path, Contents contents)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, JsonSerializer.Serialize(contents, Options));
    }

    /// <summary>Reads a file <see cref="Write"/> wrote, to redraw the plots and tables without training again.</summary>
    public static Contents Read(string path) =>
        JsonSerializer.Deserialize<Contents>(File.ReadAllText(path), Options)
        ?? throw new InvalidDataException($"{path} holds no experiment results (JSON null).");
}

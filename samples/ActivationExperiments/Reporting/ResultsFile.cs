using System.Text.Json;
using System.Text.Json.Serialization;
using ActivationExperiments.Experiments;

namespace ActivationExperiments.Reporting;

/// <summary>Every run's numbers as JSON (results/MODE-EXPERIMENT.json), for the notebook and for anyone re-plotting.</summary>
internal static class ResultsFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>One experiment's results (exactly one is set) and how they were produced.</summary>
    public sealed record Contents(
        string Mode, string Command, DateTime StartedUtc, double Seconds, int ProcessorCount,
        MnistExperiment.Result? Mnist, SentimentExperiment.Result? Sentiment, ThroughputExperiment.Result? Throughput = null, Int8Experiment.Result? Int8 = null,
        EncoderExperiment.Result? Encoder = null, FineTuneExperiment.Result? FineTune = null)
    {
        public string Experiment => Mnist is not null ? "mnist" : Sentiment is not null ? "sentiment" : Int8 is not null ? (Int8.SpeedOnly ? "int8-speed" : "int8")
            : Encoder is not null ? "encoder" : FineTune is not null ? "finetune" : "throughput";
    }

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

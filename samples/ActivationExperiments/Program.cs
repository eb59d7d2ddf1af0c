using System.Globalization;
using ActivationExperiments.Experiments;
using ActivationExperiments.Reporting;

// GELU, its approximations and the usual alternatives, measured: see docs/experiments.md.
//   dotnet run -c Release --project samples/ActivationExperiments -- --quick   (CI; a few minutes on 2 cores)
//   dotnet run -c Release --project samples/ActivationExperiments -- --full    (the documented run)
//   dotnet run -c Release --project samples/ActivationExperiments -- --smoke   (plumbing only, seconds; writes to a temp folder)
//   dotnet run -c Release --project samples/ActivationExperiments -- --full --only int8   (int8 recipes vs float32, MiniLM and ArcticXs; only when asked)
//   dotnet run -c Release --project samples/ActivationExperiments -- --full --only finetune   (MiniLM fine-tuned per activation; about an hour)
//   dotnet run -c Release --project samples/ActivationExperiments -- --full --only int8-speed   (the default int8 recipe's speed, 15 rounds)
// Options: --only mnist|sentiment|throughput|encoder|int8|int8-speed|finetune (repeatable), --out FOLDER (default: the repository root for quick/full,
//   a temp folder for smoke), --report results/MODE-EXPERIMENT.json (redraw plots and tables of a finished run, no training).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string[] experiments = ["mnist", "sentiment", "throughput", "encoder"];
// Run only when asked for (--only int8, --only finetune): they take longer than the quick run's budget.
string[] optional = ["int8", "int8-speed", "finetune"];

var settings = ExperimentSettings.Quick;
var only = new List<string>();
string? outFolder = null;
var reports = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick": settings = ExperimentSettings.Quick; break;
        case "--full": settings = ExperimentSettings.Full; break;
        case "--smoke": settings = ExperimentSettings.Smoke; break;
        case "--only" when i + 1 < args.Length && (experiments.Contains(args[i + 1]) || optional.Contains(args[i + 1])): only.Add(args[++i]); break;
        case "--out" when i + 1 < args.Length: outFolder = args[++i]; break;
        case "--report" when i + 1 < args.Length: reports.Add(args[++i]); break;
        default:
            Console.Error.WriteLine($"Unknown or incomplete argument '{args[i]}'. Use --quick | --full | --smoke, " +
                $"--only {string.Join('|', experiments.Concat(optional))}, --out FOLDER, --report FILE.");
            return 2;
    }
}

string root = outFolder ?? (settings.Mode == "smoke" && reports.Count == 0
    ? Directory.CreateTempSubdirectory("activation-experiments-").FullName
    : FindRepositoryRoot());
var output = new ReportWriter(root);
if (reports.Count > 0)
{
    foreach (string path in reports)
    {
        Console.WriteLine(output.Publish(ResultsFile.Read(path), writeResults: false));
    }

    return 0;
}

var chosen = only.Count == 0 ? experiments : [.. only.Distinct()];
Console.WriteLine($"{settings.Mode} mode, {Environment.ProcessorCount} cores, experiments {string.Join(", ", chosen)}, writing to {root}");
if (settings.Mode != "full")
{
    Console.WriteLine($"({settings.Mode} mode: {settings.MnistEpochs} MNIST epochs and {settings.MnistSeeds} seeds, {settings.Sentences} sentences; fewer than the full run.)");
}

// What was actually run; the section for one experiment alone is reproduced with --only EXPERIMENT.
string command = $"dotnet run -c Release --project samples/ActivationExperiments -- {string.Join(' ', args)}".TrimEnd();
var total = System.Diagnostics.Stopwatch.StartNew();
foreach (string experiment in chosen)
{
    var started = DateTime.UtcNow;
    var clock = System.Diagnostics.Stopwatch.StartNew();
    var contents = experiment switch
    {
        "mnist" => new ResultsFile.Contents(settings.Mode, command, started, 0, Environment.ProcessorCount, MnistExperiment.Run(settings, Console.Out), null),
        "sentiment" => new ResultsFile.Contents(settings.Mode, command, started, 0, Environment.ProcessorCount, null, SentimentExperiment.Run(settings, Console.Out)),
        "int8" => new ResultsFile.Contents(settings.Mode, command, started, 0, Environment.ProcessorCount, null, null, null, Int8Experiment.Run(settings, Console.Out)),
        "encoder" => new ResultsFile.Contents(
            settings.Mode, command, started, 0, Environment.ProcessorCount, null, null, null, null, EncoderExperiment.Run(settings, Console.Out)),
        "finetune" => new ResultsFile.Contents(
            settings.Mode, command, started, 0, Environment.ProcessorCount, null, null, null, null, null, FineTuneExperiment.Execute(settings, Console.Out)),
        "int8-speed" => new ResultsFile.Contents(
            settings.Mode, command, started, 0, Environment.ProcessorCount, null, null, null, Int8Experiment.RunSpeed(settings, Console.Out)),
        _ => new ResultsFile.Contents(settings.Mode, command, started, 0, Environment.ProcessorCount, null, null, ThroughputExperiment.Run(settings, Console.Out)),
    };
    Console.WriteLine();
    Console.WriteLine(output.Publish(contents with { Seconds = clock.Elapsed.TotalSeconds }, writeResults: true));
}

Console.WriteLine($"Done in {total.Elapsed.TotalMinutes:F1} minutes; results under {root}.");
return 0;

static string FindRepositoryRoot()
{
    for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
    {
        if (File.Exists(Path.Combine(folder.FullName, "MLNet.Gelu.sln")))
        {
            return folder.FullName;
        }
    }

    throw new DirectoryNotFoundException($"No MLNet.Gelu.sln above {AppContext.BaseDirectory}; pass --out FOLDER to say where docs/ and results/ go.");
}

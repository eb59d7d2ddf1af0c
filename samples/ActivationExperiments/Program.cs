using System.Diagnostics;
using System.Globalization;
using ActivationExperiments.Experiments;
using ActivationExperiments.Reporting;

// GELU, its approximations and the usual alternatives, measured: see docs/experiments.md.
//   dotnet run -c Release --project samples/ActivationExperiments -- --quick   (CI; a few minutes on 2 cores)
//   dotnet run -c Release --project samples/ActivationExperiments -- --full    (the documented run)
//   dotnet run -c Release --project samples/ActivationExperiments -- --smoke   (plumbing only, seconds; writes to a temp folder)
// Options: --only mnist|sentiment, --out FOLDER (default: the repository root for quick/full, a temp folder for smoke),
//   --report results/MODE.json (redraw plots and tables from a finished run's results without training again).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var settings = ExperimentSettings.Quick;
string? only = null;
string? outFolder = null;
string? reportFrom = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick": settings = ExperimentSettings.Quick; break;
        case "--full": settings = ExperimentSettings.Full; break;
        case "--smoke": settings = ExperimentSettings.Smoke; break;
        case "--only" when i + 1 < args.Length && args[i + 1] is "mnist" or "sentiment": only = args[++i]; break;
        case "--out" when i + 1 < args.Length: outFolder = args[++i]; break;
        case "--report" when i + 1 < args.Length: reportFrom = args[++i]; break;
        default:
            Console.Error.WriteLine($"Unknown or incomplete argument '{args[i]}'. Use --quick | --full | --smoke, --only mnist|sentiment, --out FOLDER, --report FILE.");
            return 2;
    }
}

var previous = reportFrom is null ? null : ResultsFile.Read(reportFrom);
if (previous is not null)
{
    settings = previous.Mode switch
    {
        "full" => ExperimentSettings.Full,
        "smoke" => ExperimentSettings.Smoke,
        _ => ExperimentSettings.Quick,
    };
    only = previous.Mnist is null ? "sentiment" : previous.Sentiment is null ? "mnist" : null;
}

string root = outFolder ?? (settings.Mode == "smoke"
    ? Directory.CreateTempSubdirectory("activation-experiments-").FullName
    : FindRepositoryRoot());
string docs = Path.Combine(root, "docs");
Directory.CreateDirectory(docs);
string command = previous?.Command ?? $"dotnet run -c Release --project samples/ActivationExperiments -- --{settings.Mode}{(only is null ? "" : $" --only {only}")}";
var started = previous?.StartedUtc ?? DateTime.UtcNow;
var clock = Stopwatch.StartNew();
Console.WriteLine($"{command}: {settings.Mode} mode, {Environment.ProcessorCount} cores, writing to {root}");
if (settings.Mode != "full" && previous is null)
{
    Console.WriteLine($"({settings.Mode} mode: {settings.MnistEpochs} MNIST epochs and {settings.MnistSeeds} seeds, {settings.Sentences} sentences; fewer than the full run.)");
}

MnistExperiment.Result? mnist = previous is not null ? previous.Mnist
    : only is null or "mnist" ? MnistExperiment.Run(settings, Console.Out) : null;
SentimentExperiment.Result? sentiment = previous is not null ? previous.Sentiment
    : only is null or "sentiment" ? SentimentExperiment.Run(settings, Console.Out) : null;
double seconds = previous?.Seconds ?? clock.Elapsed.TotalSeconds;

string Plot(string name) => $"experiments-{settings.Mode}-{name}.png";
var markdown = new System.Text.StringBuilder(MarkdownReport.Header(settings, command, started, seconds));
if (mnist is not null)
{
    Plots.MnistLoss(mnist, Path.Combine(docs, Plot("mnist-loss")), settings.Mode);
    Plots.Dots(
        [.. Enum.GetValues<MLNet.Gelu.Activation>().Select(a => (a.ToString(),
            (IReadOnlyList<double>)[.. mnist.Runs.Where(r => r.Activation == a && r.LearningRate == mnist.ChosenLearningRate[a]).Select(r => r.TestError * 100)]))],
        $"MNIST test error per seed, chosen learning rate ({settings.Mode} run)", "test error (%)", Path.Combine(docs, Plot("mnist-error")));
    markdown.AppendLine().Append(MarkdownReport.Mnist(settings, mnist, Plot("mnist-loss"), Plot("mnist-error")));
}

if (sentiment is not null)
{
    Plots.Dots(
        [.. sentiment.HeadsByActivation.GroupBy(r => r.Activation).Select(g => (g.Key.ToString(), (IReadOnlyList<double>)[.. g.Select(r => (1 - r.TestError) * 100)]))],
        $"Sentiment head on MiniLM embeddings: test accuracy per seed ({settings.Mode} run)", "test accuracy (%)", Path.Combine(docs, Plot("sentiment-heads")));
    Plots.Dots(
        [.. sentiment.Variants.Select(v => (v.Variant, (IReadOnlyList<double>)[.. v.Heads.Select(r => (1 - r.TestError) * 100)]))],
        $"GELU head on each MiniLM variant's embeddings: test accuracy per seed ({settings.Mode} run)", "test accuracy (%)", Path.Combine(docs, Plot("minilm-variants")));
    markdown.AppendLine().Append(MarkdownReport.Sentiment(settings, sentiment, Plot("sentiment-heads"), Plot("minilm-variants")));
}

if (previous is null)
{
    ResultsFile.Write(
        Path.Combine(root, "samples", "ActivationExperiments", "results", $"{settings.Mode}{(only is null ? "" : "-" + only)}.json"),
        new ResultsFile.Contents(settings.Mode, command, started, seconds, Environment.ProcessorCount, mnist, sentiment));
}

if (only is null)
{
    DocumentRegion.Replace(Path.Combine(docs, "experiments.md"), settings.Mode, markdown.ToString());
}

Console.WriteLine();
Console.WriteLine(markdown);
Console.WriteLine($"Done in {seconds / 60:F1} minutes; results under {root}.");
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

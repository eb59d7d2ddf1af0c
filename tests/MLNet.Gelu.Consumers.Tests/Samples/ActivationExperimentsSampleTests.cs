using System.Text.Json;
using MLNet.Gelu.Consumers.Tests.Infrastructure;

namespace MLNet.Gelu.Consumers.Tests.Samples;

/// <summary>The quick run of samples/ActivationExperiments (the version CI runs) finishes and reports every experiment.</summary>
public sealed class ActivationExperimentsSampleTests : IDisposable
{
    private static readonly string[] AllActivations = ["Gelu", "GeluTanh", "GeluSigmoid", "Relu", "Elu", "Silu"];

    private readonly string _workspace = Directory.CreateTempSubdirectory("mlnet-gelu-experiments-").FullName;

    [Fact]
    public void Quick_run_reports_every_experiment_and_activation()
    {
        var run = DotNet.Run(Repository.Root, "run", "--project", Repository.PathOf("samples", "ActivationExperiments"), "-c", "Release",
            "--", "--quick", "--out", _workspace);

        Assert.True(run.ExitCode == 0, run.Describe());
        string results = Path.Combine(_workspace, "samples", "ActivationExperiments", "results");
        using (var mnist = JsonDocument.Parse(File.ReadAllText(Path.Combine(results, "quick-mnist.json"))))
        {
            var runs = mnist.RootElement.GetProperty("Mnist").GetProperty("Runs").EnumerateArray().ToArray();
            Assert.Equal(AllActivations.Order(), runs.Select(r => r.GetProperty("Activation").GetString()!).Distinct().Order());
            Assert.All(runs, r => Assert.All(r.GetProperty("TrainingLoss").EnumerateArray(), loss => Assert.True(double.IsFinite(loss.GetDouble()))));
        }

        Assert.True(File.Exists(Path.Combine(results, "quick-sentiment.json")), run.Describe());
        Assert.True(File.Exists(Path.Combine(results, "quick-throughput.json")), run.Describe());
        using (var encoder = JsonDocument.Parse(File.ReadAllText(Path.Combine(results, "quick-encoder.json"))))
        {
            var tasks = encoder.RootElement.GetProperty("Encoder").GetProperty("Tasks").EnumerateArray().ToArray();
            Assert.Equal(["UCI sentiment", "SpamAssassin mails", "long-range equality"], tasks.Select(t => t.GetProperty("Name").GetString()!));

            // Quick mode's 400 mails, 70 / 15 / 15 % within each class: the test set keeps the corpus's share of ham (about 69 %).
            var spam = tasks[1];
            Assert.Equal([280, 60, 60], new[] { "Train", "Validation", "Test" }.Select(p => spam.GetProperty(p).GetInt32()));
            Assert.InRange(spam.GetProperty("MajorityShare").GetDouble(), 0.66, 0.71);
            foreach (var task in tasks)
            {
                var runs = task.GetProperty("Runs").EnumerateArray().ToArray();
                Assert.Equal(AllActivations.Order(), runs.Select(r => r.GetProperty("Activation").GetString()!).Distinct().Order());
                Assert.All(runs, r => Assert.InRange(r.GetProperty("TestError").GetDouble(), 0, 1));
            }
        }

        string report = File.ReadAllText(Path.Combine(_workspace, "docs", "experiments.md"));
        foreach (string activation in AllActivations)
        {
            Assert.Contains(activation, report);
        }

        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_workspace, "docs"), "experiments-quick-*.png"));
    }

    [Fact]
    public void Encoder_runs_from_scratch_are_deterministic_per_seed()
    {
        string[] losses = [.. Enumerable.Range(0, 2).Select(i =>
        {
            string folder = Path.Combine(_workspace, $"run{i}");
            var run = DotNet.Run(Repository.Root, "run", "--project", Repository.PathOf("samples", "ActivationExperiments"), "-c", "Release",
                "--", "--smoke", "--only", "encoder", "--out", folder);
            Assert.True(run.ExitCode == 0, run.Describe());
            using var encoder = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "samples", "ActivationExperiments", "results", "smoke-encoder.json")));
            // Everything a run learned, in job order (the runs go side by side on the cores, so they finish in any order).
            return string.Join(";", encoder.RootElement.GetProperty("Encoder").GetProperty("Tasks").EnumerateArray()
                .SelectMany(t => t.GetProperty("Runs").EnumerateArray())
                .Select(r => $"{r.GetProperty("Activation")} {r.GetProperty("TrainingLoss")} {r.GetProperty("ValidationLoss")} {r.GetProperty("TestError")}"));
        })];

        Assert.Contains("Gelu", losses[0]);
        Assert.Equal(losses[0], losses[1]);
    }

    public void Dispose() => Directory.Delete(_workspace, recursive: true);
}

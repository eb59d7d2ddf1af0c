using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Tests.TestSupport;

namespace MLNet.Gelu.Tests.Persistence;

/// <summary>A saved model loads in a separate process that references only Microsoft.ML (tests/MLNet.Gelu.LoadCheck).</summary>
public sealed class SeparateProcessLoadTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mlnet-gelu-process-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void AnAppWithoutTheLibraryLoadsAndScoresTheModel()
    {
        var ml = new MLContext(seed: 1);
        var data = ActivationTestData.Create(ml);
        var model = ml.Transforms.Gelu("Out", "Known").Append(ml.Transforms.ApplyActivation("Out", "Out", Activation.Silu)).Fit(data);
        string modelPath = Path.Combine(_directory, "model.zip");
        ml.Model.SaveWithActivations(model, data.Schema, modelPath);

        var inputs = data.GetColumn<float[]>("Known").ToArray();
        string inputPath = Path.Combine(_directory, "input.tsv");
        File.WriteAllLines(inputPath, inputs.Select(row => string.Join('\t', row.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
        var expected = model.Transform(data).GetColumn<float[]>("Out").ToArray();

        var lines = Run(modelPath, inputPath, "Known", "Out");
        Assert.Equal("assemblies:", lines[0]);
        Assert.Equal(expected.Length, lines.Length - 1);
        for (int r = 0; r < expected.Length; r++)
        {
            var actual = lines[r + 1].Split('\t').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(expected[r].Length, actual.Length);
            for (int i = 0; i < actual.Length; i++)
            {
                DataViewValues.AssertFloat(expected[r][i], actual[i], 1e-6, $"row {r}, slot {i}");
            }
        }
    }

    internal static string[] Run(params string[] arguments)
    {
        string app = typeof(SeparateProcessLoadTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "LoadCheckAssembly").Value!;
        Assert.True(File.Exists(app), $"The load-check app was not built at {app}; build tests/MLNet.Gelu.LoadCheck.");
        // The SDK tells test hosts which dotnet runs them; fall back to the one on PATH.
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(app);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "The load-check app did not finish.");
        Assert.True(process.ExitCode == 0, $"The load-check app failed ({process.ExitCode}): {stderr.Result}");
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}

using MLNet.Gelu.Consumers.Tests.Infrastructure;

namespace MLNet.Gelu.Consumers.Tests.Samples;

/// <summary>samples/Activations runs as the README says and prints what it promises.</summary>
public sealed class ActivationsSampleTests : IDisposable
{
    private readonly string _workspace = Directory.CreateTempSubdirectory("mlnet-gelu-sample-").FullName;

    [Fact]
    public void Prints_reference_values_and_writes_the_plot()
    {
        string png = Path.Combine(_workspace, "plot", "activations.png");

        var run = DotNet.Run(Repository.Root, "run", "--project", Repository.PathOf("samples", "Activations"), "-c", "Release",
            "--", "--output", png);

        Assert.True(run.ExitCode == 0, run.Describe());
        // Exact GELU and the tanh form at −3, −1, −0.7517915 (the minimum), 0, 1, 3 (reference values from the double-precision formulas).
        AssertRow(run.Output, "Gelu", [-0.0040497, -0.1586553, -0.1699712, 0, 0.8413447, 2.9959503]);
        AssertRow(run.Output, "GeluTanh", [-0.0036374, -0.1588080, -0.1700407, 0, 0.8411920, 2.9963626]);
        Assert.Contains("GeluTanh     max |f - Gelu| = 4.73e-4", run.Output);
        Assert.Contains("GeluSigmoid  max |f - Gelu| = 2.03e-2", run.Output);
        Assert.Contains("Features", run.Output);
        Assert.Contains("ML.NET pipeline: Features -> one column per activation", run.Output);
        Assert.Contains("  Silu       [-0.1422776, -0.2689414", run.Output);
        Assert.Contains("saved and loaded: Gelu column identical = True", run.Output);

        byte[] bytes = File.ReadAllBytes(png);
        Assert.True(bytes.Length > 10_000, $"The plot has only {bytes.Length} bytes.");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
    }

    private static void AssertRow(string output, string activation, double[] expected)
    {
        string? row = output.Split('\n').FirstOrDefault(line => line.StartsWith(activation + " ", StringComparison.Ordinal));
        Assert.True(row is not null, $"No row for {activation} in the output:{Environment.NewLine}{output}");
        double[] actual = row.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            // Seven printed decimals of a float: 2 units in the last printed place.
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 2e-7, $"{activation} value {i}: expected {expected[i]}, printed {actual[i]}.");
        }
    }

    public void Dispose() => Directory.Delete(_workspace, recursive: true);
}

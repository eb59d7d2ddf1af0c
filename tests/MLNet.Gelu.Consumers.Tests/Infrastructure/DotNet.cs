using System.Diagnostics;
using System.Text;

namespace MLNet.Gelu.Consumers.Tests.Infrastructure;

/// <summary>Runs the <c>dotnet</c> CLI as a child process and captures its output.</summary>
internal static class DotNet
{
    /// <summary>A hang guard, not a performance limit.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    public sealed record Result(int ExitCode, string Output, string CommandLine)
    {
        public string Describe() => $"`dotnet {CommandLine}` exited with {ExitCode}:{Environment.NewLine}{Output}";
    }

    public static Result Run(string workingDirectory, params string[] arguments) => Run(workingDirectory, null, arguments);

    /// <summary>Runs <c>dotnet</c> with extra environment variables (such as a NuGet packages folder of its own).</summary>
    public static Result Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // `dotnet test` sets MSBuild variables for its own build; inherited, they point child builds at the wrong SDK parts.
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string commandLine = string.Join(' ', arguments);
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`dotnet {commandLine}` did not finish within {Timeout.TotalMinutes} minutes. Output so far:{Environment.NewLine}{output}");
        }

        process.WaitForExit();
        return new Result(process.ExitCode, output.ToString(), commandLine);
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}

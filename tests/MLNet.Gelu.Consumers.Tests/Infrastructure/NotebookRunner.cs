using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MLNet.Gelu.Consumers.Tests.Infrastructure;

/// <summary>
/// Runs a notebook headless with the repository's local tool dotnet-repl, after pointing its
/// <c>#i "nuget: ..."</c> line at the test feed and its <c>#r "nuget: MLNet.Gelu..., version"</c> lines at the feed's version.
/// </summary>
internal static partial class NotebookRunner
{
    private static readonly Lazy<DotNet.Result> ToolRestore = new(() => DotNet.Run(Repository.Root, "tool", "restore"));

    /// <summary>Runs <paramref name="notebook"/>; returns the failures (empty when every cell ran cleanly).</summary>
    public static IReadOnlyList<string> Run(string notebook, LocalFeed feed, string workspace)
    {
        var restore = ToolRestore.Value;
        if (restore.ExitCode != 0)
        {
            throw new InvalidOperationException($"Restoring the local tools (.config/dotnet-tools.json) failed. {restore.Describe()}");
        }

        string text = File.ReadAllText(notebook);
        var unknown = LocalFeed.RepositoryPackagesIn(text).Except(feed.Packages, StringComparer.OrdinalIgnoreCase).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException($"{notebook} references {string.Join(", ", unknown)}, which no project under src/ packs.");
        }

        string input = Path.Combine(workspace, Path.GetFileName(notebook));
        string output = Path.Combine(workspace, Path.GetFileNameWithoutExtension(notebook) + ".out.ipynb");
        File.WriteAllText(input, PointAtFeed(text, feed));

        // Relative paths in #r/#i resolve against the working directory: run where the notebook lives.
        var run = DotNet.Run(Path.GetDirectoryName(notebook)!, "tool", "run", "dotnet-repl", "--",
            "--run", input, "--exit-after-run", "--output-path", output);

        var failures = File.Exists(output) ? ErrorsIn(File.ReadAllText(output)) : [];
        if (run.ExitCode != 0 && failures.Count == 0)
        {
            failures = [$"dotnet-repl failed without an error cell{(File.Exists(output) ? "" : " and wrote no output notebook")}. {run.Describe()}"];
        }

        return failures;
    }

    /// <summary>Rewrites the package source and the repository packages' versions (JSON-escaped, as in the file).</summary>
    internal static string PointAtFeed(string notebookText, LocalFeed feed)
    {
        string folder = JsonValue.Create(feed.Folder).ToJsonString().Trim('"');
        string rewritten = FeedDirective().Replace(notebookText, $"#i \\\"nuget: {folder}\\\"");
        return VersionedReference().Replace(rewritten, m => $"{m.Groups["head"].Value}{feed.Version}{m.Groups["tail"].Value}");
    }

    /// <summary>Each error output of each cell, as "cell N: ename: evalue" plus the cell's source.</summary>
    internal static List<string> ErrorsIn(string outputNotebook)
    {
        var failures = new List<string>();
        var cells = JsonNode.Parse(outputNotebook)?["cells"]?.AsArray() ?? [];
        for (int i = 0; i < cells.Count; i++)
        {
            foreach (var result in cells[i]?["outputs"]?.AsArray() ?? [])
            {
                if ((string?)result?["output_type"] != "error")
                {
                    continue;
                }

                string traceback = string.Join(Environment.NewLine, (result?["traceback"]?.AsArray() ?? []).Select(t => (string?)t));
                string source = string.Concat((cells[i]?["source"]?.AsArray() ?? []).Select(s => (string?)s));
                failures.Add($"cell {i}: {result?["ename"]}: {result?["evalue"]}{Environment.NewLine}{traceback}{Environment.NewLine}--- cell source ---{Environment.NewLine}{source}");
            }
        }

        return failures;
    }

    [GeneratedRegex(@"#i \\""nuget:[^""\\]*\\""")]
    private static partial Regex FeedDirective();

    [GeneratedRegex("""(?<head>#r \\"nuget:\s*MLNet\.Gelu[\w.]*\s*,\s*)[^"\\]+(?<tail>\\")""", RegexOptions.IgnoreCase)]
    private static partial Regex VersionedReference();
}

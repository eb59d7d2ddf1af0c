using System.Text.RegularExpressions;

namespace MLNet.Gelu.Notebooks.Tests.Infrastructure;

/// <summary>
/// A temporary folder feed holding the repository's libraries, packed once per test run with a version of their own:
/// NuGet would serve a re-packed version from its global cache unchanged, so every run gets a fresh one.
/// </summary>
public sealed partial class LocalFeed : IDisposable
{
    private readonly string _workspace = Path.Combine(Path.GetTempPath(), "mlnet-gelu-feed-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly Lock _gate = new();
    private readonly HashSet<string> _packed = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The folder to pass to <c>#i "nuget: ..."</c>.</summary>
    public string Folder => Path.Combine(_workspace, "feed");

    /// <summary>The version every package of this run carries.</summary>
    public string Version { get; } = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    /// <summary>Packs <paramref name="packageId"/> (the project src/&lt;id&gt;/&lt;id&gt;.csproj) unless this run already did.</summary>
    public void Pack(string packageId)
    {
        lock (_gate)
        {
            if (_packed.Contains(packageId))
            {
                return;
            }

            string project = Repository.PathOf("src", packageId, packageId + ".csproj");
            if (!File.Exists(project))
            {
                throw new InvalidOperationException($"A notebook references package '{packageId}', but {project} does not exist.");
            }

            // Build outputs go to the workspace too: this run's version never lands in the repository's bin/obj.
            var result = DotNet.Run(Repository.Root, "pack", project, "-c", "Release", "-o", Folder,
                $"-p:Version={Version}", "--artifacts-path", Path.Combine(_workspace, "artifacts"));
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"Packing {packageId} failed. {result.Describe()}");
            }

            _packed.Add(packageId);
        }
    }

    /// <summary>The repository packages a notebook loads with <c>#r "nuget: MLNet.Gelu..."</c>.</summary>
    public static IEnumerable<string> RepositoryPackagesIn(string notebookText) =>
        PackageReference().Matches(notebookText).Select(m => m.Groups["id"].Value).Distinct(StringComparer.OrdinalIgnoreCase);

    public void Dispose()
    {
        TryDelete(_workspace);

        // The unique version is of no use to anyone after this run: keep the global packages folder small.
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (string id in _packed)
        {
            TryDelete(Path.Combine(packages, id.ToLowerInvariant(), Version.ToLowerInvariant()));
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [GeneratedRegex("""#r\s+\\?"nuget:\s*(?<id>MLNet\.Gelu[\w.]*)\s*,""", RegexOptions.IgnoreCase)]
    private static partial Regex PackageReference();
}

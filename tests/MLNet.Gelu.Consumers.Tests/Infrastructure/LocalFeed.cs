using System.Text.RegularExpressions;

namespace MLNet.Gelu.Consumers.Tests.Infrastructure;

/// <summary>
/// A temporary folder feed holding every package of the repository (each packable project under src/), packed once per
/// test run with a version of its own: NuGet would serve a re-packed version from its global cache unchanged, so every
/// run gets a fresh one. The packages depend on each other (MLNet.Gelu.Bert.Cpu on MLNet.Gelu.Bert and
/// MLNet.Gelu.Bert.MiniLM), so they are always packed together.
/// </summary>
public sealed partial class LocalFeed : IDisposable
{
    private readonly string _workspace = Path.Combine(Path.GetTempPath(), "mlnet-gelu-feed-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly Lazy<IReadOnlyList<string>> _packed;

    public LocalFeed() => _packed = new Lazy<IReadOnlyList<string>>(PackAll);

    /// <summary>The folder to pass to <c>#i "nuget: ..."</c> or to list in a nuget.config.</summary>
    public string Folder => Path.Combine(_workspace, "feed");

    /// <summary>The version every package of this run carries.</summary>
    public string Version { get; } = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    /// <summary>The packages of the repository, packed into <see cref="Folder"/> on first use.</summary>
    public IReadOnlyList<string> Packages => _packed.Value;

    /// <summary>The package ids: one per project under src/ (all of them are packable).</summary>
    public static IReadOnlyList<string> PackageIds() =>
        Directory.EnumerateDirectories(Repository.PathOf("src"))
            .Select(Path.GetFileName)
            .Where(id => File.Exists(Repository.PathOf("src", id!, id + ".csproj")))
            .Order(StringComparer.Ordinal)
            .ToList()!;

    /// <summary>The repository packages a notebook loads with <c>#r "nuget: MLNet.Gelu..."</c>.</summary>
    public static IEnumerable<string> RepositoryPackagesIn(string notebookText) =>
        PackageReference().Matches(notebookText).Select(m => m.Groups["id"].Value).Distinct(StringComparer.OrdinalIgnoreCase);

    public void Dispose()
    {
        TryDelete(_workspace);
        if (!_packed.IsValueCreated)
        {
            return;
        }

        // The unique version is of no use to anyone after this run: keep the packages folders small.
        string userPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (string folder in new[] { userPackages, ConsumerApp.PackagesFolder })
        {
            foreach (string id in PackageIds())
            {
                TryDelete(Path.Combine(folder, id.ToLowerInvariant(), Version.ToLowerInvariant()));
            }
        }
    }

    private List<string> PackAll()
    {
        var ids = PackageIds().ToList();
        foreach (string id in ids)
        {
            // Build outputs go to the workspace too: this run's version never lands in the repository's bin/obj.
            var result = DotNet.Run(Repository.Root, "pack", Repository.PathOf("src", id, id + ".csproj"), "-c", "Release", "-o", Folder,
                $"-p:Version={Version}", "--artifacts-path", Path.Combine(_workspace, "artifacts"));
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"Packing {id} failed. {result.Describe()}");
            }
        }

        return ids;
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

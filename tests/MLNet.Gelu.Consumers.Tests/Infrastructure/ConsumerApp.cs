using System.Text.RegularExpressions;

namespace MLNet.Gelu.Consumers.Tests.Infrastructure;

/// <summary>
/// A small app outside the repository, as a user would write it: its own folder under the temporary directory (so none
/// of the repository's Directory.*.props apply), its own nuget.config (the repository's sources plus, for package apps,
/// the <see cref="LocalFeed"/>), and a project file and Program.cs taken from tests/.../Apps/&lt;name&gt;.
/// </summary>
internal sealed partial class ConsumerApp : IDisposable
{
    private readonly Dictionary<string, string>? _environment;
    private readonly Dictionary<string, string> _placeholders;

    private ConsumerApp(string name, LocalFeed? feed)
    {
        Name = name;
        Root = Directory.CreateTempSubdirectory($"mlnet-gelu-app-{name.ToLowerInvariant()}-").FullName;
        Folder = Path.Combine(Root, name);
        Directory.CreateDirectory(Folder);

        // Stop MSBuild's search for Directory.*.props above the app: nothing from elsewhere may shape it.
        File.WriteAllText(Path.Combine(Root, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(Root, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(Root, "Directory.Packages.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(Root, "nuget.config"), NuGetConfig(feed));

        _placeholders = new Dictionary<string, string>
        {
            ["$(MLNetGeluVersion)"] = feed?.Version ?? "",
            ["$(MLNetGeluRepository)"] = Repository.Root,
        };

        // Package apps restore into a packages folder of their own, shared by all apps and runs (the repository's
        // .cache): never the user's cache, and nothing the repository's own build restored is reused by accident.
        _environment = feed is null ? null : new Dictionary<string, string> { ["NUGET_PACKAGES"] = PackagesFolder };
    }

    /// <summary>The packages folder of the package apps.</summary>
    public static string PackagesFolder { get; } = Repository.PathOf(".cache", "nuget-consumers");

    public string Name { get; }

    /// <summary>The temporary folder holding the app folder and the guards around it.</summary>
    public string Root { get; }

    /// <summary>The app's project folder.</summary>
    public string Folder { get; }

    /// <summary>
    /// Copies tests/MLNet.Gelu.Consumers.Tests/Apps/<paramref name="name"/> (a project file and sources) into a fresh
    /// folder outside the repository. Package apps pass the <paramref name="feed"/>; ProjectReference apps pass null.
    /// </summary>
    public static ConsumerApp Create(string name, LocalFeed? feed)
    {
        _ = feed?.Packages; // packs on first use
        var app = new ConsumerApp(name, feed);
        foreach (string file in Directory.EnumerateFiles(Repository.PathOf("tests", "MLNet.Gelu.Consumers.Tests", "Apps", name)))
        {
            app.Write(Path.GetFileName(file), app._placeholders.Aggregate(File.ReadAllText(file), (text, p) => text.Replace(p.Key, p.Value, StringComparison.Ordinal)));
        }

        return app;
    }

    /// <summary>Writes (or replaces) a source file of the app.</summary>
    public void Write(string fileName, string text) => File.WriteAllText(Path.Combine(Folder, fileName), text);

    /// <summary><c>dotnet build</c> (restore included).</summary>
    public DotNet.Result Build() => Dotnet("build", "-c", "Release");

    /// <summary><c>dotnet publish</c> into <paramref name="output"/>.</summary>
    public DotNet.Result Publish(string output, params string[] extra) => Dotnet(["publish", "-c", "Release", "-o", output, .. extra]);

    /// <summary>Runs the built app with <paramref name="arguments"/>.</summary>
    public DotNet.Result Run(params string[] arguments) =>
        Dotnet(["run", "-c", "Release", "--no-build", "--", .. arguments]);

    /// <summary>Any other <c>dotnet</c> command in the app's folder, with the app's environment.</summary>
    public DotNet.Result Dotnet(params string[] arguments) => DotNet.Run(Folder, _environment, arguments);

    /// <summary>The app's build output folder.</summary>
    public string OutputFolder => Path.Combine(Folder, "bin", "Release", "net10.0");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    /// <summary>The repository's package sources (what CI and users restore from), plus the feed.</summary>
    private static string NuGetConfig(LocalFeed? feed)
    {
        string repository = File.ReadAllText(Repository.PathOf("nuget.config"));
        var sources = SourceLine().Matches(repository).Select(m => "    " + m.Value.Trim()).ToList();
        if (feed is not null)
        {
            sources.Insert(0, $"    <add key=\"mlnet-gelu-test-feed\" value=\"{feed.Folder}\" />");
        }

        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
            {string.Join(Environment.NewLine, sources)}
              </packageSources>
            </configuration>

            """;
    }

    [GeneratedRegex("""<add\s+key="[^"]*"\s+value="[^"]*"\s*/>""")]
    private static partial Regex SourceLine();
}

using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using MLNet.Gelu.Consumers.Tests.Infrastructure;

namespace MLNet.Gelu.Consumers.Tests.Packages;

/// <summary>The README's package table says what each packed package depends on: exactly its nuspec's dependencies.</summary>
[Collection(nameof(LocalFeedCollection))]
public sealed partial class ReadmePackageTableTests(LocalFeed feed)
{
    [Fact]
    public void Every_package_has_a_row_whose_dependencies_are_those_of_its_nuspec()
    {
        var table = ReadTable(File.ReadAllText(Repository.PathOf("README.md")));

        Assert.Equal(feed.Packages.Order(StringComparer.Ordinal), table.Keys.Order(StringComparer.Ordinal));
        foreach (string id in feed.Packages)
        {
            var nuspec = NuspecDependencies(Path.Combine(feed.Folder, $"{id}.{feed.Version}.nupkg"));
            Assert.True(table[id].SetEquals(nuspec),
                $"README says {id} depends on [{string.Join(", ", table[id].Order())}]; its nuspec says [{string.Join(", ", nuspec.Order())}].");
        }
    }

    /// <summary>The table of the "## Packages" section: package id → the ids in its "depends on" cell.</summary>
    private static Dictionary<string, HashSet<string>> ReadTable(string readme)
    {
        string section = readme[readme.IndexOf("## Packages", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        var rows = new Dictionary<string, HashSet<string>>();
        foreach (Match row in TableRow().Matches(section))
        {
            var dependencies = row.Groups["deps"].Value.Trim() == "nothing"
                ? []
                : Parenthesis().Replace(row.Groups["deps"].Value, "").Split(',').Select(d => d.Trim()).Where(d => d.Length > 0);
            rows[row.Groups["id"].Value] = [.. dependencies];
        }

        return rows;
    }

    private static HashSet<string> NuspecDependencies(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = entry.Open();
        var document = XDocument.Load(stream);
        return [.. document.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!)];
    }

    [GeneratedRegex(@"^\| `(?<id>MLNet\.Gelu[\w.]*)` \|[^|\n]*\| (?<deps>[^|\n]*) \|$", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    [GeneratedRegex(@"\([^)]*\)")]
    private static partial Regex Parenthesis();
}

using System.Text.RegularExpressions;
using MLNet.Gelu.Consumers.Tests.Infrastructure;

namespace MLNet.Gelu.Consumers.Tests.PublicApi;

/// <summary>
/// The README's "Public API at a glance" names exactly the public types of the packages: the types declared in
/// src/*/PublicAPI.Shipped.txt and PublicAPI.Unshipped.txt, which the build (PublicApiAnalyzers) keeps equal to the code.
/// </summary>
public sealed partial class DocumentedApiTests
{
    [Fact]
    public void The_readme_lists_every_public_type_and_no_other()
    {
        var declared = Directory.EnumerateFiles(Repository.PathOf("src"), "PublicAPI.*.txt", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(File.ReadAllLines)
            .Select(line => TypeDeclaration().Match(line))
            .Where(m => m.Success)
            .Select(m => m.Groups["namespace"].Value + " " + m.Groups["type"].Value)
            .ToHashSet();

        string readme = File.ReadAllText(Repository.PathOf("README.md"));
        int start = readme.IndexOf("## Public API at a glance", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no '## Public API at a glance' section.");
        string section = readme[start..readme.IndexOf("\n## ", start + 3, StringComparison.Ordinal)];
        var documented = TableRow().Matches(section)
            .SelectMany(row => BacktickedType().Matches(row.Groups["types"].Value).Select(t => row.Groups["namespace"].Value + " " + t.Groups["type"].Value))
            .ToHashSet();

        Assert.NotEmpty(declared);
        Assert.True(declared.SetEquals(documented),
            $"Public but not in the README: {string.Join(", ", declared.Except(documented).Order())}. " +
            $"In the README but not public: {string.Join(", ", documented.Except(declared).Order())}.");
    }

    [Fact]
    public void Public_types_live_in_the_three_documented_namespaces()
    {
        var namespaces = Directory.EnumerateFiles(Repository.PathOf("src"), "PublicAPI.*.txt", SearchOption.AllDirectories)
            .SelectMany(File.ReadAllLines)
            .Select(line => TypeDeclaration().Match(line))
            .Where(m => m.Success)
            .Select(m => m.Groups["namespace"].Value)
            .ToHashSet();

        Assert.Subset(new HashSet<string> { "MLNet.Gelu", "MLNet.Gelu.Bert", "MLNet.Gelu.Bert.Graphs" }, namespaces);
    }

    /// <summary>A line that declares a type (no member after the type name), for example <c>MLNet.Gelu.Bert.BertModel</c>.</summary>
    [GeneratedRegex(@"^(?:(?:static|abstract|sealed) )*(?<namespace>MLNet\.Gelu(?:\.[A-Z][A-Za-z]*)*?)\.(?<type>[A-Z][A-Za-z0-9]*)$")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"^\| `(?<namespace>MLNet\.Gelu[\w.]*)` \| (?<types>.*) \|$", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    /// <summary>A backticked type name (method names in the table are not backticked).</summary>
    [GeneratedRegex(@"`(?<type>[A-Z][A-Za-z0-9]*)`")]
    private static partial Regex BacktickedType();
}

using System.Text;
using System.Text.RegularExpressions;

namespace MLNet.Gelu.Consumers.Tests.Infrastructure;

/// <summary>
/// Turns the README's C# snippets marked <c>&lt;!-- consumer-app: NAME --&gt;</c> into one Program.cs, so the README
/// cannot drift from what compiles and runs. A snippet is a complete top-level program: using directives, statements,
/// and optionally type declarations at its end. Each snippet's statements become a local function, run in README order
/// after a line "--- snippet N".
/// </summary>
internal static partial class ReadmeProgram
{
    /// <summary>The marked snippets of <paramref name="readme"/> for app <paramref name="app"/>, in order.</summary>
    public static IReadOnlyList<string> Snippets(string readme, string app) =>
        Snippet().Matches(readme.ReplaceLineEndings("\n"))
            .Where(m => m.Groups["app"].Value == app)
            .Select(m => m.Groups["code"].Value)
            .ToList();

    /// <summary>The Program.cs that runs every snippet of <paramref name="app"/>.</summary>
    public static string Build(string readme, string app)
    {
        var snippets = Snippets(readme, app);
        if (snippets.Count == 0)
        {
            throw new InvalidOperationException($"README.md has no snippet marked '<!-- consumer-app: {app} -->'.");
        }

        var usings = new SortedSet<string>(StringComparer.Ordinal);
        var calls = new StringBuilder();
        var functions = new StringBuilder();
        var types = new StringBuilder();
        for (int i = 0; i < snippets.Count; i++)
        {
            var lines = snippets[i].Split('\n');
            int firstType = Array.FindIndex(lines, l => TypeDeclaration().IsMatch(l));
            var statements = (firstType < 0 ? lines : lines[..firstType]).Where(l => !UsingDirective().IsMatch(l));
            usings.UnionWith(lines.Where(l => UsingDirective().IsMatch(l)).Select(l => l.Trim()));
            calls.AppendLine($"Console.WriteLine(\"--- snippet {i + 1}\");").AppendLine($"Snippet{i + 1}();");
            functions.AppendLine($"static void Snippet{i + 1}()").AppendLine("{");
            foreach (string line in statements)
            {
                functions.AppendLine("    " + line);
            }

            functions.AppendLine("}");
            if (firstType >= 0)
            {
                types.AppendLine(string.Join('\n', lines[firstType..]));
            }
        }

        return $"{string.Join('\n', usings)}\n\n{calls}\n{functions}\n{types}";
    }

    [GeneratedRegex(@"<!-- consumer-app: (?<app>[\w-]+) -->\n```csharp\n(?<code>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex Snippet();

    [GeneratedRegex(@"^using [\w.]+;\s*$")]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"^((public|internal|sealed|static|abstract|readonly|partial|file)\s+)*(class|record|struct|enum|interface)\s")]
    private static partial Regex TypeDeclaration();
}

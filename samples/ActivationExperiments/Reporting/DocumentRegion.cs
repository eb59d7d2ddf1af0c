namespace ActivationExperiments.Reporting;

/// <summary>
/// Replaces the text between <c>&lt;!-- results:NAME:begin --&gt;</c> and <c>&lt;!-- results:NAME:end --&gt;</c> in a
/// markdown file, so the hand-written parts of the document stay as they are.
/// </summary>
internal static class DocumentRegion
{
    public static void Replace(string path, string name, string content)
    {
        string begin = $"<!-- results:{name}:begin -->";
        string end = $"<!-- results:{name}:end -->";
        string text = File.Exists(path) ? File.ReadAllText(path) : string.Empty;
        int start = text.IndexOf(begin, StringComparison.Ordinal);
        int stop = text.IndexOf(end, StringComparison.Ordinal);
        string block = $"{begin}\n{content.Replace("\r\n", "\n").TrimEnd()}\n{end}";
        if (start < 0 || stop < start)
        {
            // No region yet: add one at the end.
            text = $"{text.TrimEnd()}\n\n{block}\n";
        }
        else
        {
            text = text[..start] + block + text[(stop + end.Length)..];
        }

        File.WriteAllText(path, text);
    }
}

using System.Text.Json;

namespace MLNet.Gelu.Datasets;

/// <summary>One mail of the SpamAssassin corpus.</summary>
/// <param name="Text">The raw mail, headers included.</param>
/// <param name="IsSpam">The label.</param>
/// <param name="Group">easy-ham-1, easy-ham-2, hard-ham-1, spam-1 or spam-2.</param>
public sealed record SpamMail(string Text, bool IsSpam, string Group);

/// <summary>The SpamAssassin public corpus: 6,046 mails (4,150 ham, 1,896 spam), read from the UTF-8 JSON copies.</summary>
public static class SpamAssassin
{
    private static readonly Lazy<IReadOnlyList<SpamMail>> Mails = new(Read);

    /// <summary>Loads the mails, group by group in name order, files in name order.</summary>
    public static IReadOnlyList<SpamMail> Load() => Mails.Value;

    private static IReadOnlyList<SpamMail> Read()
    {
        var data = Path.Combine(Pins.SpamAssassin.Extract(), "data");
        var result = new List<SpamMail>(6046);
        foreach (var group in Directory.GetDirectories(data).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(group);
            foreach (var file in Directory.GetFiles(group, "*.json").Order(StringComparer.Ordinal))
            {
                using var document = JsonDocument.Parse(File.ReadAllBytes(file));
                result.Add(new SpamMail(document.RootElement.GetProperty("text").GetString()!, name.StartsWith("spam", StringComparison.Ordinal), name));
            }
        }

        return result;
    }
}

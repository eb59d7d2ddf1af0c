using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using MLNet.Gelu.Datasets;

namespace ActivationExperiments.Experiments;

/// <summary>
/// The SpamAssassin mails as text (the <c>Subject</c> header, then the start of the body with HTML tags, MIME part
/// headers and boundaries removed and whitespace collapsed; every other header dropped, so routing headers cannot give
/// the label away), split 70 / 15 / 15 % train / validation / test within each class from one fixed shuffle.
/// </summary>
internal static partial class SpamCorpus
{
    /// <summary>Seed of the one shuffle per class that fixes the subsample and the split.</summary>
    public const int SplitSeed = 2002;

    /// <summary>Characters of the cleaned body kept: more than the token budget can hold.</summary>
    private const int BodyCharacters = 3000;

    /// <summary>
    /// <paramref name="count"/> mails (all 6,046 when it is larger), taken from each class in proportion from its fixed
    /// shuffle, as (text, label 1 for spam) rows: the training rows first, then validation, then test.
    /// </summary>
    public static (IReadOnlyList<(string Text, int Label)> Rows, int TrainCount, int ValidationCount) Load(int count)
    {
        var all = SpamAssassin.Load();
        double fraction = Math.Min(1.0, (double)count / all.Count);
        var train = new List<(string, int)>();
        var validation = new List<(string, int)>();
        var test = new List<(string, int)>();
        foreach (bool spam in new[] { false, true })
        {
            var mails = all.Where(m => m.IsSpam == spam).ToArray();
            var order = LabelledRows.FixedShuffle(mails.Length, SplitSeed + (spam ? 1 : 0));
            int taken = (int)Math.Round(mails.Length * fraction);
            int trainCount = (int)Math.Round(taken * 0.70);
            int validationCount = (int)Math.Round(taken * 0.15);
            var rows = order.Take(taken).Select(i => (Text(mails[i].Text), spam ? 1 : 0)).ToArray();
            train.AddRange(rows[..trainCount]);
            validation.AddRange(rows[trainCount..(trainCount + validationCount)]);
            test.AddRange(rows[(trainCount + validationCount)..]);
        }

        return ([.. train, .. validation, .. test], train.Count, validation.Count);
    }

    /// <summary>The subject and the start of the cleaned body of one raw mail.</summary>
    public static string Text(string mail)
    {
        int split = mail.IndexOf("\n\n", StringComparison.Ordinal);
        string headers = split < 0 ? mail : mail[..split];
        string body = split < 0 ? string.Empty : mail[(split + 2)..];
        var subject = SubjectHeader().Match(headers);
        var text = new StringBuilder();
        text.Append(subject.Success ? subject.Groups[1].Value.Trim() : string.Empty).Append(" . ");
        foreach (string line in body.Split('\n'))
        {
            if (!MimeLine().IsMatch(line))
            {
                text.Append(line).Append(' ');
            }

            if (text.Length > 4 * BodyCharacters)
            {
                break;
            }
        }

        string plain = WebUtility.HtmlDecode(HtmlTag().Replace(text.ToString(), " "));
        plain = Whitespace().Replace(plain, " ").Trim();
        return plain.Length > BodyCharacters ? plain[..BodyCharacters] : plain;
    }

    /// <summary>The <c>Subject:</c> header, folded continuation lines included.</summary>
    [GeneratedRegex(@"^Subject:(.*(?:\n[ \t].*)*)", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex SubjectHeader();

    /// <summary>MIME boundaries and part headers inside a body.</summary>
    [GeneratedRegex(@"^(--\S*\s*$|Content-[\w-]+:|\s+(charset|boundary|name|filename)=)", RegexOptions.IgnoreCase)]
    private static partial Regex MimeLine();

    [GeneratedRegex(@"<[^>]*>|<!--.*?-->")]
    private static partial Regex HtmlTag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

using System.Text.Json;

namespace MLNet.Gelu.Datasets;

/// <summary>A labelled sentence.</summary>
/// <param name="Text">The sentence.</param>
/// <param name="Positive">The label: positive (true) or negative sentiment.</param>
/// <param name="Source">amazon, imdb or yelp.</param>
public sealed record SentimentSentence(string Text, bool Positive, string Source);

/// <summary>UCI Sentiment Labelled Sentences: 1,000 each from Amazon, IMDb and Yelp reviews (3,000, half positive).</summary>
public static class UciSentiment
{
    private static readonly Lazy<IReadOnlyList<SentimentSentence>> Sentences = new(Read);

    /// <summary>The sources in load order.</summary>
    public static IReadOnlyList<string> Sources { get; } = ["amazon", "imdb", "yelp"];

    /// <summary>Loads the 3,000 sentences (amazon, imdb, yelp, each in file order; the files' empty last entries are skipped).</summary>
    public static IReadOnlyList<SentimentSentence> Load() => Sentences.Value;

    private static IReadOnlyList<SentimentSentence> Read()
    {
        var folder = Path.Combine(Pins.Sentiment.Extract(), "test", "fixtures");
        var result = new List<SentimentSentence>(3000);
        foreach (var source in Sources)
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, source + ".json")));
            foreach (var entry in document.RootElement.EnumerateArray())
            {
                var text = entry.GetProperty("text").GetString();
                var label = entry.GetProperty("class");
                if (string.IsNullOrEmpty(text) || label.ValueKind != JsonValueKind.Number)
                {
                    continue;
                }

                result.Add(new SentimentSentence(text, label.GetInt32() == 1, source));
            }
        }

        return result;
    }
}

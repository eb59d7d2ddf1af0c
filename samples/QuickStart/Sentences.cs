namespace QuickStart;

/// <summary>The demo's texts: a few pairs of paraphrases, and a generator of varied sentences for timing.</summary>
public static class Sentences
{
    /// <summary>Three topics, two paraphrases each.</summary>
    public static IReadOnlyList<string> Pairs { get; } =
    [
        "A man is playing a guitar.",
        "Someone strums an acoustic guitar on stage.",
        "The cat is sleeping on the sofa.",
        "A kitten naps on the couch.",
        "Stock markets fell sharply today.",
        "Shares dropped on Wall Street this afternoon.",
    ];

    private static readonly string[] Subjects =
        ["The new phone", "My old laptop", "This restaurant", "The hotel staff", "Our flight", "The movie", "That battery", "The customer service team"];

    private static readonly string[] Verbs =
        ["was surprisingly good", "broke after two days", "exceeded every expectation", "was a total waste of money", "felt slow and clumsy", "worked perfectly"];

    private static readonly string[] Tails =
        ["", " and I would buy it again", ", although the price was a bit high", " — five stars!", ", but the manual was useless", " even in the rain."];

    /// <summary>Deterministic, varied review-like sentences of different lengths.</summary>
    /// <param name="count">How many.</param>
    public static IReadOnlyList<string> Varied(int count)
    {
        var result = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var repeat = i % 7 == 0 ? " It is worth repeating: " + Verbs[(i / 3) % Verbs.Length] + "." : string.Empty;
            result.Add($"{Subjects[i % Subjects.Length]} {Verbs[(i / Subjects.Length) % Verbs.Length]}{Tails[(i / 5) % Tails.Length]}.{repeat}");
        }

        return result;
    }
}

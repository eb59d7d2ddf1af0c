namespace MLNet.Gelu.Bert.Graphs.Quantization;

/// <summary>Word sequences drawn from a WordPiece vocabulary, for calibration without data.</summary>
internal static class VocabularyText
{
    private const int ShortestSequence = 8, LongestSequence = 40;

    /// <summary>
    /// <paramref name="count"/> sequences of 8–40 whole words (tokens of two or more letters; single letters when the vocabulary
    /// has no longer words), each ending in a full stop.
    /// </summary>
    public static IReadOnlyList<string> Draw(BertVocabulary vocabulary, int count, int seed)
    {
        var words = vocabulary.Tokens.Where(t => t.Length > 1 && t.All(char.IsLetter)).ToArray();
        if (words.Length == 0)
        {
            words = [.. vocabulary.Tokens.Where(t => t.Length == 1 && char.IsLetter(t[0]))];
        }

        if (words.Length == 0)
        {
            throw new ArgumentException("The model's vocabulary has no word (a token of letters) to draw calibration text from.", "model");
        }

        var random = new Random(seed);
        var texts = new string[count];
        for (int i = 0; i < count; i++)
        {
            int length = random.Next(ShortestSequence, LongestSequence);
            texts[i] = string.Join(' ', Enumerable.Range(0, length).Select(_ => words[random.Next(words.Length)])) + ".";
        }

        return texts;
    }
}

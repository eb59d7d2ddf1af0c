using System.Globalization;
using System.Text;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Finds words longer than Hugging Face's WordPiece limit (<c>max_input_chars_per_word</c> = 100), which it maps to
/// one <c>[UNK]</c>; FastBertTokenizer splits them into pieces instead. Word boundaries follow BERT's basic
/// tokenizer: whitespace, punctuation and CJK ideographs end a word; control characters are dropped.
/// </summary>
internal static class LongWords
{
    public const int MaxCharsPerWord = 100;

    /// <summary>Returns the first word of more than 100 characters at or after <paramref name="start"/>, or (-1, 0).</summary>
    public static (int Start, int Length) FindNext(string text, int start, bool stripAccents)
    {
        var wordStart = -1;
        var chars = 0;
        var i = start;
        while (i < text.Length)
        {
            var status = Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var width);
            if (status != System.Buffers.OperationStatus.Done)
            {
                rune = Rune.ReplacementChar;
                width = 1;
            }

            switch (Classify(rune, stripAccents))
            {
                case CharKind.Boundary:
                    if (chars > MaxCharsPerWord)
                    {
                        return (wordStart, i - wordStart);
                    }

                    wordStart = -1;
                    chars = 0;
                    break;
                case CharKind.Word:
                    if (wordStart < 0)
                    {
                        wordStart = i;
                    }

                    chars++;
                    break;
                default:
                    break;
            }

            i += width;
        }

        return chars > MaxCharsPerWord ? (wordStart, text.Length - wordStart) : (-1, 0);
    }

    private enum CharKind
    {
        Word,
        Boundary,
        Ignored,
    }

    private static CharKind Classify(Rune rune, bool stripAccents)
    {
        var value = rune.Value;
        if (value is '\t' or '\n' or '\r' or ' ')
        {
            return CharKind.Boundary;
        }

        if (value < 128)
        {
            return value is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126)
                ? CharKind.Boundary
                : value < 32 || value == 127 ? CharKind.Ignored : CharKind.Word;
        }

        if (value == 0xFFFD)
        {
            return CharKind.Ignored;
        }

        if (IsCjk(value))
        {
            return CharKind.Boundary;
        }

        var category = Rune.GetUnicodeCategory(rune);
        return category switch
        {
            UnicodeCategory.SpaceSeparator => CharKind.Boundary,
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned => CharKind.Ignored,
            UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
                or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation => CharKind.Boundary,
            UnicodeCategory.NonSpacingMark when stripAccents => CharKind.Ignored,
            _ => CharKind.Word,
        };
    }

    private static bool IsCjk(int cp) =>
        cp is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
            or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}

using CsCheck;

namespace MLNet.Gelu.Bert.Tests.Reliability.Properties;

/// <summary>Generators of hostile text: every kind of character a tokenizer can trip on, in any mix.</summary>
internal static class TextGen
{
    /// <summary>Zero-width and invisible characters: ZWSP, ZWNJ, ZWJ, LRM/RLM, word joiner, BOM, soft hyphen, Mongolian vowel separator.</summary>
    private const string ZeroWidth = "\u200B\u200C\u200D\u200E\u200F\u2060\uFEFF\u00AD\u180E";

    /// <summary>Characters that are their own tokens or separators in BERT's basic tokenizer.</summary>
    private const string Punctuation = " \t\r\n$+/%.,;:!?\"'()[]{}<>#@&*=_-^`|~\\";

    /// <summary>One character: mostly text, with a fair share of every troublesome kind.</summary>
    public static readonly Gen<char> Char = Gen.Frequency(
        (20, Gen.Char['a', 'z']),
        (4, Gen.Char['A', 'Z']),
        (8, Gen.Char[Punctuation]),
        (3, Gen.Char['\0', '\u001F']),             // C0 controls
        (2, Gen.Char['\u007F', '\u009F']),         // DEL and C1 controls
        (3, Gen.Char[ZeroWidth]),
        (3, Gen.Char['\u0300', '\u036F']),         // combining marks (stripped with the accents)
        (3, Gen.Char['\u00C0', '\u024F']),         // accented Latin
        (3, Gen.Char['\u4E00', '\u9FFF']),         // CJK ideographs (one token each)
        (2, Gen.Char['\u0600', '\u06FF']),         // Arabic
        (3, Gen.Char['\uD800', '\uDFFF']),         // lone (or accidentally paired) surrogates
        (2, Gen.Char['\uE000', '\uF8FF']),         // private use
        (2, Gen.Char['\uFFF0', '\uFFFF']),         // specials and non-characters
        (4, Gen.Char));                            // anything

    /// <summary>Text of 0 to <paramref name="maxLength"/> characters drawn from <see cref="Char"/>, sometimes with one very long word.</summary>
    public static Gen<string> Text(int maxLength) => Gen.Frequency(
        (6, Char.Array[0, maxLength].Select(chars => new string(chars))),
        (1, Gen.Select(Gen.Char['a', 'z'], Gen.Int[90, 260], (c, n) => new string(c, n))),   // one word around the 100-character [UNK] limit
        (1, Gen.Const(string.Empty)));

    /// <summary>A text or <see langword="null"/>.</summary>
    public static Gen<string?> NullableText(int maxLength) =>
        Gen.Frequency((9, Text(maxLength).Select(t => (string?)t)), (1, Gen.Const((string?)null)));

    /// <summary>A string of about a million characters from <see cref="Char"/> (built by repeating a random block).</summary>
    public static Gen<string> Megabyte { get; } = Char.Array[4096].Select(block =>
    {
        var text = new char[1 << 20];
        for (var i = 0; i < text.Length; i += block.Length)
        {
            block.AsSpan(0, Math.Min(block.Length, text.Length - i)).CopyTo(text.AsSpan(i));
        }

        return new string(text);
    });
}

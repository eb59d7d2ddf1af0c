using System.Runtime.InteropServices;
using Microsoft.ML;

namespace MLNet.Gelu.Bert;

/// <summary>Turns ML.NET text values into the strings the tokenizer reads, without copying when the memory is a whole string.</summary>
internal static class TextValues
{
    /// <summary>The text as a string; reuses the backing string when <paramref name="text"/> covers all of it (the usual case).</summary>
    internal static string AsString(ReadOnlyMemory<char> text)
    {
        if (text.IsEmpty)
        {
            return string.Empty;
        }

        return MemoryMarshal.TryGetString(text, out var whole, out int start, out int length) && start == 0 && length == whole.Length
            ? whole
            : text.ToString();
    }

    /// <summary>Reads the current row's text (and second text, when <paramref name="second"/> ≥ 0) as the tokenizer takes them.</summary>
    internal static Func<(string Text, string? Second)> Reader(DataViewRow input, int text, int second)
    {
        var first = input.GetGetter<ReadOnlyMemory<char>>(input.Schema[text]);
        var pair = second >= 0 ? input.GetGetter<ReadOnlyMemory<char>>(input.Schema[second]) : null;
        ReadOnlyMemory<char> a = default, b = default;
        return () =>
        {
            first(ref a);
            if (pair is null)
            {
                return (AsString(a), null);
            }

            pair(ref b);
            return (AsString(a), AsString(b));
        };
    }
}

using System.Runtime.InteropServices;

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
}

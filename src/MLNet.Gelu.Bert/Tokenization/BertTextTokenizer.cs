using System.Buffers;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Hugging Face-conformant BERT tokenization on FastBertTokenizer: WordPiece ids with <c>[CLS]</c>/<c>[SEP]</c>, the
/// attention mask, token types for sentence pairs, explicit truncation (the dropped count is reported) or chunking.
/// </summary>
/// <remarks>
/// <para>Thread-safe: only FastBertTokenizer's span overloads are used and scratch buffers come from a pool.</para>
/// <para>Behaviour pinned by tests: <c>$ + / %</c> and other ASCII symbols become their own tokens; <c>\n \t \r</c> separate
/// words like spaces; control characters are removed; with lower-casing accents are stripped; CJK ideographs are single
/// tokens; a word over 100 characters becomes one <c>[UNK]</c> (as in Hugging Face); <see langword="null"/> is the empty
/// text (<c>[CLS] [SEP]</c>). Pairs are truncated longest-first, as Hugging Face does by default.</para>
/// </remarks>
internal sealed class BertTextTokenizer
{
    private readonly FastBertTokenizer.BertTokenizer _tokenizer = new();
    private readonly bool _lowerCase;

    /// <summary>Creates the tokenizer a model expects (its vocabulary, lower-casing and token limit).</summary>
    /// <param name="model">The model.</param>
    /// <param name="options">Long-text handling; <see langword="null"/> truncates.</param>
    public BertTextTokenizer(BertModel model, BertTokenizerOptions? options = null)
        : this(model?.Vocabulary!, model?.Settings.LowerCase ?? true, model?.Settings.MaxTokens ?? 0, options)
    {
    }

    /// <summary>Creates a tokenizer from a vocabulary.</summary>
    /// <param name="vocabulary">The WordPiece vocabulary.</param>
    /// <param name="lowerCase">Lower-case and strip accents (uncased models).</param>
    /// <param name="maxTokens">The most tokens per model input, <c>[CLS]</c> and <c>[SEP]</c> included.</param>
    /// <param name="options">Long-text handling; <see langword="null"/> truncates.</param>
    public BertTextTokenizer(BertVocabulary vocabulary, bool lowerCase, int maxTokens, BertTokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 2);
        Options = options ?? new BertTokenizerOptions();
        Options.Validate(maxTokens);
        Vocabulary = vocabulary;
        MaxTokens = maxTokens;
        _lowerCase = lowerCase;
        using var reader = new StringReader(vocabulary.Text);
        _tokenizer.LoadVocabulary(reader, lowerCase, "[UNK]", "[CLS]", "[SEP]", "[PAD]", System.Text.NormalizationForm.FormD);
    }

    /// <summary>The most tokens per model input, <c>[CLS]</c> and <c>[SEP]</c> included.</summary>
    public int MaxTokens { get; }

    /// <summary>The vocabulary.</summary>
    public BertVocabulary Vocabulary { get; }

    /// <summary>Long-text handling.</summary>
    public BertTokenizerOptions Options { get; }

    /// <summary>Tokenizes one text or pair into new arrays (truncating; convenient, allocates).</summary>
    /// <param name="text">The text; <see langword="null"/> is treated as empty.</param>
    /// <param name="pair">The second text of a pair (token type 1), or <see langword="null"/>.</param>
    public BertEncoding Encode(string? text, string? pair = null)
    {
        var ids = new long[MaxTokens];
        var mask = new long[MaxTokens];
        var types = new long[MaxTokens];
        var n = Encode(text, pair, ids, mask, types, out var dropped);
        return new BertEncoding(ids[..n], mask[..n], types[..n], dropped);
    }

    /// <summary>Tokenizes one text or pair into caller buffers (truncating), without allocating.</summary>
    /// <param name="text">The text; <see langword="null"/> is treated as empty.</param>
    /// <param name="pair">The second text of a pair (token type 1), or <see langword="null"/>.</param>
    /// <param name="inputIds">Receives the ids; at least <see cref="MaxTokens"/> long.</param>
    /// <param name="attentionMask">Receives 1 per token; at least <see cref="MaxTokens"/> long.</param>
    /// <param name="tokenTypeIds">Receives 0 (first text) or 1 (second text); at least <see cref="MaxTokens"/> long.</param>
    /// <param name="droppedTokens">Word pieces cut off by truncation.</param>
    /// <returns>The number of tokens written.</returns>
    public int Encode(string? text, string? pair, Span<long> inputIds, Span<long> attentionMask, Span<long> tokenTypeIds, out int droppedTokens)
    {
        if (inputIds.Length < MaxTokens || attentionMask.Length < MaxTokens || tokenTypeIds.Length < MaxTokens)
        {
            throw new ArgumentException($"Each destination must hold MaxTokens = {MaxTokens} values.", nameof(inputIds));
        }

        var first = WordPieces(text, out var a);
        long[]? b = null;
        try
        {
            var second = pair is null ? -1 : WordPieces(pair, out b);
            var (n, typeStart) = Assemble(a.AsSpan(0, first), second < 0 ? default : b.AsSpan(0, second), pair is not null, inputIds, out droppedTokens);
            attentionMask[..n].Fill(1);
            tokenTypeIds[..typeStart].Clear();
            tokenTypeIds[typeStart..n].Fill(1);
            return n;
        }
        finally
        {
            ArrayPool<long>.Shared.Return(a);
            if (b is not null)
            {
                ArrayPool<long>.Shared.Return(b);
            }
        }
    }

    /// <summary>Counts the tokens a text would need without a limit, <c>[CLS]</c> and <c>[SEP]</c> included.</summary>
    /// <param name="text">The text; <see langword="null"/> is treated as empty.</param>
    public int CountTokens(string? text)
    {
        var n = WordPieces(text, out var buffer);
        ArrayPool<long>.Shared.Return(buffer);
        return n + 2;
    }

    /// <summary>
    /// Tokenizes one text or pair and appends it to <paramref name="destination"/> as one row: one model input, or
    /// several overlapping windows with <see cref="BertLongTextMode.Chunk"/>.
    /// </summary>
    /// <param name="text">The text; <see langword="null"/> is treated as empty.</param>
    /// <param name="pair">The second text of a pair, or <see langword="null"/>.</param>
    /// <param name="destination">The rows to append to.</param>
    /// <returns>The index of the new row in <paramref name="destination"/>.</returns>
    public int Tokenize(string? text, string? pair, BertTokenizedRows destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (pair is not null && Options.LongText == BertLongTextMode.Chunk)
        {
            throw new NotSupportedException("Chunking long texts is not available for sentence pairs; use BertLongTextMode.Truncate.");
        }

        var first = WordPieces(text, out var a);
        long[]? b = null;
        try
        {
            if (Options.LongText == BertLongTextMode.Chunk)
            {
                return AppendChunks(a.AsSpan(0, first), destination);
            }

            var second = pair is null ? -1 : WordPieces(pair, out b);
            var slot = destination.ReserveTokens(MaxTokens);
            var (n, typeStart) = Assemble(a.AsSpan(0, first), second < 0 ? default : b.AsSpan(0, second), pair is not null, slot, out var dropped);
            var row = destination.AddRow(dropped);
            destination.CommitSequence(row, n, typeStart);
            return row;
        }
        finally
        {
            ArrayPool<long>.Shared.Return(a);
            if (b is not null)
            {
                ArrayPool<long>.Shared.Return(b);
            }
        }
    }

    private int AppendChunks(ReadOnlySpan<long> pieces, BertTokenizedRows destination)
    {
        var row = destination.AddRow(0);
        var content = MaxTokens - 2;
        var step = content - Options.ChunkOverlap;
        var start = 0;
        while (true)
        {
            var take = Math.Min(content, pieces.Length - start);
            var slot = destination.ReserveTokens(take + 2);
            slot[0] = Vocabulary.ClsId;
            pieces.Slice(start, take).CopyTo(slot[1..]);
            slot[take + 1] = Vocabulary.SepId;
            destination.CommitSequence(row, take + 2, take + 2);
            if (start + take >= pieces.Length)
            {
                return row;
            }

            start += step;
        }
    }

    /// <summary>Writes [CLS] a [SEP] (b [SEP]) truncated longest-first; returns the length and where token type 1 starts.</summary>
    private (int Length, int TypeStart) Assemble(ReadOnlySpan<long> a, ReadOnlySpan<long> b, bool isPair, Span<long> destination, out int dropped)
    {
        int keepA, keepB;
        if (!isPair)
        {
            keepA = Math.Min(a.Length, MaxTokens - 2);
            keepB = 0;
        }
        else
        {
            (keepA, keepB) = FitPair(a.Length, b.Length, MaxTokens - 3);
        }

        dropped = a.Length - keepA + b.Length - keepB;
        destination[0] = Vocabulary.ClsId;
        a[..keepA].CopyTo(destination[1..]);
        var n = keepA + 1;
        destination[n++] = Vocabulary.SepId;
        if (!isPair)
        {
            return (n, n);
        }

        var typeStart = n;
        b[..keepB].CopyTo(destination[n..]);
        n += keepB;
        destination[n++] = Vocabulary.SepId;
        return (n, typeStart);
    }

    /// <summary>Hugging Face's longest-first rule: remove one piece at a time from the longer text (from the second on ties).</summary>
    internal static (int KeepA, int KeepB) FitPair(int a, int b, int budget)
    {
        budget = Math.Max(budget, 0);
        if (a + b <= budget)
        {
            return (a, b);
        }

        var shorter = Math.Min(a, b);
        if (shorter * 2 <= budget)
        {
            return a <= b ? (a, budget - a) : (budget - b, b);
        }

        return ((budget + 1) / 2, budget / 2);
    }

    /// <summary>The word pieces of a text without [CLS]/[SEP], in a pooled buffer the caller returns.</summary>
    private int WordPieces(string? text, out long[] pieces)
    {
        text ??= string.Empty;
        if (text.Length > LongWords.MaxCharsPerWord)
        {
            var (start, length) = LongWords.FindNext(text, 0, _lowerCase);
            if (start >= 0)
            {
                return WordPiecesAroundLongWords(text, start, length, out pieces);
            }
        }

        return PlainWordPieces(text, out pieces);
    }

    private int PlainWordPieces(string text, out long[] pieces)
    {
        var size = text.Length + 18;
        while (true)
        {
            var ids = ArrayPool<long>.Shared.Rent(size);
            var mask = ArrayPool<long>.Shared.Rent(size);
            var n = _tokenizer.Encode(text, ids.AsSpan(0, size), mask.AsSpan(0, size));
            ArrayPool<long>.Shared.Return(mask);
            if (n < size)
            {
                // Drop [CLS] and [SEP].
                Array.Copy(ids, 1, ids, 0, n - 2);
                pieces = ids;
                return n - 2;
            }

            ArrayPool<long>.Shared.Return(ids);
            size *= 2;
        }
    }

    private int WordPiecesAroundLongWords(string text, int start, int length, out long[] pieces)
    {
        var result = ArrayPool<long>.Shared.Rent(text.Length + 18);
        var count = 0;
        var position = 0;
        while (true)
        {
            var end = start >= 0 ? start : text.Length;
            if (end > position)
            {
                var n = PlainWordPieces(text[position..end], out var part);
                EnsureCapacity(ref result, count + n + 1);
                part.AsSpan(0, n).CopyTo(result.AsSpan(count));
                ArrayPool<long>.Shared.Return(part);
                count += n;
            }

            if (start < 0)
            {
                pieces = result;
                return count;
            }

            EnsureCapacity(ref result, count + 1);
            result[count++] = Vocabulary.UnkId;
            position = start + length;
            (start, length) = LongWords.FindNext(text, position, _lowerCase);
        }
    }

    private static void EnsureCapacity(ref long[] buffer, int needed)
    {
        if (buffer.Length >= needed)
        {
            return;
        }

        var bigger = ArrayPool<long>.Shared.Rent(Math.Max(needed, buffer.Length * 2));
        buffer.CopyTo(bigger, 0);
        ArrayPool<long>.Shared.Return(buffer);
        buffer = bigger;
    }
}

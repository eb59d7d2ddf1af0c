namespace MLNet.Gelu.Bert;

/// <summary>A WordPiece vocabulary (<c>vocab.txt</c>: one token per line, the line number is the id), checked for the special tokens.</summary>
internal sealed class BertVocabulary
{
    /// <summary>The special tokens every BERT vocabulary must hold.</summary>
    public static readonly IReadOnlyList<string> SpecialTokens = ["[CLS]", "[SEP]", "[PAD]", "[UNK]"];

    private readonly string[] _tokens;

    private BertVocabulary(string[] tokens, string text)
    {
        _tokens = tokens;
        Text = text;
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < tokens.Length; i++)
        {
            ids.TryAdd(tokens[i], i);
        }

        ClsId = ids["[CLS]"];
        SepId = ids["[SEP]"];
        PadId = ids["[PAD]"];
        UnkId = ids["[UNK]"];
    }

    /// <summary>The tokens, indexed by id.</summary>
    public IReadOnlyList<string> Tokens => _tokens;

    /// <summary>The id of <c>[CLS]</c>.</summary>
    public int ClsId { get; }

    /// <summary>The id of <c>[SEP]</c>.</summary>
    public int SepId { get; }

    /// <summary>The id of <c>[PAD]</c>.</summary>
    public int PadId { get; }

    /// <summary>The id of <c>[UNK]</c>.</summary>
    public int UnkId { get; }

    internal string Text { get; }

    /// <summary>Parses <c>vocab.txt</c> content (LF or CRLF line ends).</summary>
    /// <param name="text">The file's text.</param>
    /// <param name="source">The file or resource name, used in error messages.</param>
    /// <exception cref="BertModelException">The vocabulary is empty or lacks a special token.</exception>
    public static BertVocabulary Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        var count = lines.Length;
        for (var i = 0; i < count; i++)
        {
            lines[i] = lines[i].TrimEnd('\r');
        }

        while (count > 0 && lines[count - 1].Length == 0)
        {
            count--;
        }

        if (count == 0)
        {
            throw new BertModelException(source, BertModelProblem.VocabularyEmpty,
                "the vocabulary holds no tokens. Pass the model's vocab.txt (one WordPiece token per line).");
        }

        var tokens = lines[..count];
        var present = new HashSet<string>(tokens, StringComparer.Ordinal);
        var missing = SpecialTokens.Where(t => !present.Contains(t)).ToArray();
        if (missing.Length > 0)
        {
            throw new BertModelException(source, BertModelProblem.VocabularySpecialTokenMissing,
                $"the vocabulary ({count} lines) lacks {string.Join(", ", missing)}. A BERT vocab.txt holds [CLS], [SEP], [PAD] " +
                "and [UNK]; check that this is the model's vocab.txt and not another tokenizer's file.");
        }

        return new BertVocabulary(tokens, text);
    }
}

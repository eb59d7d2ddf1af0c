using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Encoder;

namespace MLNet.Gelu.Bert.Training;

/// <summary>Reads and tokenizes the text column(s) of a data view, with labels for training.</summary>
internal static class BertClassifierTexts
{
    /// <summary>The text column <paramref name="name"/>, which must hold text.</summary>
    public static DataViewSchema.Column TextColumn(DataViewSchema schema, string name, string role)
    {
        var column = schema.GetColumnOrNull(name);
        if (column is not { IsHidden: false } found || found.Type is not TextDataViewType)
        {
            throw new ArgumentException(column is null
                ? $"The {role} data has no text column '{name}'. Its columns are: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"'{c.Name}' ({c.Type})"))}."
                : $"Column '{name}' of the {role} data has type {column.Value.Type}; the BERT classifier reads text (ReadOnlyMemory<char>).", role);
        }

        return found;
    }

    /// <summary>One example per row: the tokenized text (and pair), and the 0-based label.</summary>
    public static List<EncoderExample> Read(
        IDataView data, BertTextTokenizer tokenizer, DataViewSchema.Column text, DataViewSchema.Column? pair, DataViewSchema.Column label, CancellationToken cancellation)
    {
        var columns = new List<DataViewSchema.Column> { text, label };
        if (pair is { } p)
        {
            columns.Add(p);
        }

        using var cursor = data.GetRowCursor(columns);
        var getText = cursor.GetGetter<ReadOnlyMemory<char>>(text);
        var getPair = pair is { } second ? cursor.GetGetter<ReadOnlyMemory<char>>(second) : null;
        Func<long, int> getLabel = MlpDataReader.LabelGetter(cursor, label, "training");
        var examples = new List<EncoderExample>();
        ReadOnlyMemory<char> a = default, b = default;
        while (cursor.MoveNext())
        {
            cancellation.ThrowIfCancellationRequested();
            getText(ref a);
            getPair?.Invoke(ref b);
            var (ids, types) = Encode(tokenizer, TextValues.AsString(a), getPair is null ? null : TextValues.AsString(b));
            examples.Add(new EncoderExample(ids, types, getLabel(cursor.Position)));
        }

        if (examples.Count == 0)
        {
            throw new ArgumentException("The training data has no rows.", nameof(data));
        }

        if (examples.Select(e => e.Label).Distinct().Count() < 2)
        {
            throw new ArgumentException($"Every training row has the same label in column '{label.Name}'; a classifier needs at least two classes.", nameof(data));
        }

        return examples;
    }

    /// <summary>Token ids and type ids (null when all 0) of one text or pair.</summary>
    public static (int[] Ids, int[]? Types) Encode(BertTextTokenizer tokenizer, string text, string? pair)
    {
        var encoding = tokenizer.Encode(text, pair);
        int[] ids = Array.ConvertAll(encoding.InputIds, v => (int)v);
        int[]? types = pair is null ? null : Array.ConvertAll(encoding.TokenTypeIds, v => (int)v);
        return (ids, types);
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Gelu.Bert;

/// <summary>Checks the columns the BERT scoring transform reads: each must exist and hold text.</summary>
internal static class BertInputs
{
    /// <summary>Finds <paramref name="name"/> in <paramref name="schema"/>; throws naming the column and its type when it is missing or not text.</summary>
    internal static int Resolve(DataViewSchema schema, string name)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var column = schema.GetColumnOrNull(name) ?? throw Missing(name, schema.Where(c => !c.IsHidden).Select(c => c.Name));
        if (column.Type is not TextDataViewType)
        {
            throw WrongType(name, column.Type.ToString() ?? column.Type.GetType().Name);
        }

        return column.Index;
    }

    /// <summary>The same check on an estimator's <see cref="SchemaShape"/>.</summary>
    internal static void Check(SchemaShape shape, string name)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var found = shape.Where(c => c.Name == name).Select(c => (SchemaShape.Column?)c).LastOrDefault();
        if (found is not { } column)
        {
            throw Missing(name, shape.Select(c => c.Name));
        }

        if (column.ItemType is not TextDataViewType || column.Kind != SchemaShape.Column.VectorKind.Scalar)
        {
            string kind = column.Kind == SchemaShape.Column.VectorKind.Scalar ? string.Empty : $" ({column.Kind})";
            throw WrongType(name, column.ItemType + kind);
        }
    }

    private static ArgumentOutOfRangeException Missing(string name, IEnumerable<string> available) =>
        new("inputSchema", $"Input column '{name}' was not found. BERT scoring reads a text column (ReadOnlyMemory<char>, or string in your classes). " +
            $"Available columns: {string.Join(", ", available)}.");

    private static ArgumentOutOfRangeException WrongType(string name, string type) =>
        new("inputSchema",
            $"Input column '{name}' has type {type}; BERT scoring reads text (a scalar ReadOnlyMemory<char> column, or string in your classes). " +
            "Convert it first (for example mlContext.Transforms.Conversion.ConvertType or an Expression), or join a vector of words with a space.");
}

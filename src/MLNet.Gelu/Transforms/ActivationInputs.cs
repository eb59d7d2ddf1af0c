using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Gelu;

/// <summary>Checks the columns an activation transform reads: each must exist and hold Single or a vector of Single.</summary>
internal static class ActivationInputs
{
    internal const string Accepted = "Single, or a vector of Single (known or variable size, dense or sparse)";

    /// <summary>Finds each input column in <paramref name="schema"/> and returns its index; throws when one is missing or of another type.</summary>
    internal static int[] Resolve(DataViewSchema schema, IReadOnlyList<InputOutputColumnPair> columns)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var indices = new int[columns.Count];
        for (int i = 0; i < columns.Count; i++)
        {
            string name = columns[i].InputColumnName;
            var column = schema.GetColumnOrNull(name) ?? throw Missing(name, schema.Where(c => !c.IsHidden).Select(c => c.Name));
            if (!IsAccepted(column.Type))
            {
                throw WrongType(name, column.Type.ToString() ?? column.Type.GetType().Name);
            }

            indices[i] = column.Index;
        }

        return indices;
    }

    /// <summary>The same checks on an estimator's <see cref="SchemaShape"/>.</summary>
    internal static void Check(SchemaShape shape, IReadOnlyList<InputOutputColumnPair> columns)
    {
        ArgumentNullException.ThrowIfNull(shape);
        foreach (var pair in columns)
        {
            var found = shape.Where(c => c.Name == pair.InputColumnName).Select(c => (SchemaShape.Column?)c).LastOrDefault();
            if (found is not { } column)
            {
                throw Missing(pair.InputColumnName, shape.Select(c => c.Name));
            }

            if (column.ItemType != NumberDataViewType.Single || column.IsKey)
            {
                string kind = column.Kind == SchemaShape.Column.VectorKind.Scalar ? string.Empty : $" ({column.Kind})";
                throw WrongType(pair.InputColumnName, column.ItemType + kind);
            }
        }
    }

    internal static bool IsAccepted(DataViewType type) =>
        type == NumberDataViewType.Single || type is VectorDataViewType { ItemType: var item } && item == NumberDataViewType.Single;

    private static ArgumentOutOfRangeException Missing(string name, IEnumerable<string> available) =>
        new("inputSchema",
            $"Input column '{name}' was not found. The activation transform reads {Accepted}. Available columns: {string.Join(", ", available)}.");

    private static ArgumentOutOfRangeException WrongType(string name, string type) =>
        new("inputSchema",
            $"Input column '{name}' has type {type}; the activation transform accepts {Accepted}. " +
            "Convert it first, for example with mlContext.Transforms.Conversion.ConvertType(..., outputKind: DataKind.Single).");
}

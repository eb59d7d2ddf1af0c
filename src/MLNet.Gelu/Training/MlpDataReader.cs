using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Gelu;

/// <summary>Reads an ML.NET data view into the dense arrays the MLP engine trains on, checking every row.</summary>
internal static class MlpDataReader
{
    internal static DataViewSchema.Column FeatureColumn(DataViewSchema schema, string name, string role)
    {
        var column = Find(schema, name, "feature", role);
        if (column.Type is not VectorDataViewType { ItemType: NumberDataViewType, IsKnownSize: true } vector || vector.ItemType != NumberDataViewType.Single)
        {
            throw new ArgumentException(
                $"Feature column '{name}' of the {role} data has type {column.Type}; the MLP trainer needs a known-size vector of Single " +
                "(Concatenate numeric columns, or ConvertType and Concatenate them, to make one).", role);
        }

        return column;
    }

    internal static DataViewSchema.Column MulticlassLabel(DataViewSchema schema, string name, string role)
    {
        var column = Find(schema, name, "label", role);
        if (column.Type is not KeyDataViewType key || key.RawType != typeof(uint) || key.Count == 0 || key.Count > int.MaxValue)
        {
            throw new ArgumentException(
                $"Label column '{name}' of the {role} data has type {column.Type}; the multiclass MLP trainer needs a key of UInt32 " +
                "with a known count. Map the label with mlContext.Transforms.Conversion.MapValueToKey first.", role);
        }

        return column;
    }

    internal static DataViewSchema.Column BinaryLabel(DataViewSchema schema, string name, string role)
    {
        var column = Find(schema, name, "label", role);
        if (column.Type != BooleanDataViewType.Instance)
        {
            throw new ArgumentException(
                $"Label column '{name}' of the {role} data has type {column.Type}; the binary MLP trainer needs a Boolean label " +
                "(convert it, for example with an Expression or a custom mapping, or use the multiclass trainer).", role);
        }

        return column;
    }

    /// <summary>Reads features and 0-based labels; rejects empty data, missing labels and non-finite features by row.</summary>
    internal static (float[] Features, int[] Labels) Read(IDataView data, DataViewSchema.Column features, DataViewSchema.Column label, string role)
    {
        int width = ((VectorDataViewType)features.Type).Size;
        var x = new List<float>();
        var y = new List<int>();
        using var cursor = data.GetRowCursor([features, label]);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(features);
        var getLabel = LabelGetter(cursor, label, role);
        var row = default(VBuffer<float>);
        var dense = new float[width];
        long index = 0;
        while (cursor.MoveNext())
        {
            getFeatures(ref row);
            row.CopyTo(dense);
            for (int i = 0; i < width; i++)
            {
                if (!float.IsFinite(dense[i]))
                {
                    throw new ArgumentException(
                        $"Row {index} of the {role} data has {dense[i].ToString(CultureInfo.InvariantCulture)} in slot {i} of feature column '{features.Name}'. " +
                        "The MLP trainer needs finite features: remove or replace missing and infinite values first (for example with ReplaceMissingValues).", role);
                }
            }

            x.AddRange(dense);
            y.Add(getLabel(index));
            index++;
        }

        if (index == 0)
        {
            throw new ArgumentException($"The {role} data has no rows; the MLP trainer needs labelled rows of at least two classes.", role);
        }

        return (x.ToArray(), y.ToArray());
    }

    /// <summary>The 0-based label of the cursor's row: a key minus one (key 0, missing, is rejected naming the row) or a Boolean as 0/1.</summary>
    internal static Func<long, int> LabelGetter(DataViewRowCursor cursor, DataViewSchema.Column label, string role)
    {
        if (label.Type is KeyDataViewType)
        {
            var get = cursor.GetGetter<uint>(label);
            uint key = 0;
            return row =>
            {
                get(ref key);
                return key != 0 ? (int)(key - 1) : throw new ArgumentException(
                    $"Row {row} of the {role} data has a missing label (key 0) in column '{label.Name}'; filter such rows out first " +
                    "(for example with mlContext.Data.FilterRowsByMissingValues before MapValueToKey).", role);
            };
        }

        var getBool = cursor.GetGetter<bool>(label);
        bool value = false;
        return _ =>
        {
            getBool(ref value);
            return value ? 1 : 0;
        };
    }

    private static DataViewSchema.Column Find(DataViewSchema schema, string name, string what, string role) =>
        schema.GetColumnOrNull(name) is { IsHidden: false } column ? column : throw new ArgumentException(
            $"The {role} data has no {what} column '{name}'. Its columns are: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"'{c.Name}' ({c.Type})"))}. " +
            $"Set {(what == "label" ? "LabelColumnName" : "FeatureColumnName")} in MlpOptions, or name the column '{name}'.", role);
}

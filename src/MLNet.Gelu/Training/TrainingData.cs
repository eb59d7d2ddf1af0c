using System.Globalization;

namespace MLNet.Gelu;

/// <summary>Checks of the rows given to the trainer, each failure with the row, feature or label at fault.</summary>
internal static class TrainingData
{
    /// <summary>Checks shapes, label range and that every feature is finite; returns the row count. <c>role</c> ("training" or "validation") and the parameter names go into the messages.</summary>
    public static int Check(float[] features, int featureCount, int[] labels, int classCount, string role, string featuresName, string labelsName)
    {
        ArgumentNullException.ThrowIfNull(features, featuresName);
        ArgumentNullException.ThrowIfNull(labels, labelsName);
        int rows = labels.Length;
        if (rows == 0)
        {
            throw new ArgumentException($"The {role} set is empty: it has no rows.", labelsName);
        }

        if (features.LongLength != (long)rows * featureCount)
        {
            throw new ArgumentException(
                $"The {role} features hold {features.LongLength} values, but {rows} rows of {featureCount} features need {(long)rows * featureCount}.", featuresName);
        }

        for (int r = 0; r < rows; r++)
        {
            if ((uint)labels[r] >= (uint)classCount)
            {
                throw new ArgumentOutOfRangeException(labelsName, labels[r], $"The label of {role} row {r} is {labels[r]}; labels must be in [0, {classCount}).");
            }
        }

        for (long i = 0; i < features.LongLength; i++)
        {
            if (!float.IsFinite(features[i]))
            {
                long row = i / featureCount;
                long feature = i % featureCount;
                throw new ArgumentException(
                    $"Feature {feature} of {role} row {row} is {features[i].ToString(CultureInfo.InvariantCulture)}. The MLP trainer needs finite features: " +
                    "remove or replace missing and infinite values first (for example with ReplaceMissingValues).", featuresName);
            }
        }

        return rows;
    }

    /// <summary>Throws unless the rows listed in <paramref name="rows"/> carry at least two different labels.</summary>
    public static void CheckTwoClasses(int[] labels, ReadOnlySpan<int> rows)
    {
        int first = labels[rows[0]];
        foreach (int r in rows)
        {
            if (labels[r] != first)
            {
                return;
            }
        }

        throw new ArgumentException(
            $"All {rows.Length} training rows have label {first}; a classifier needs rows of at least two classes.", nameof(labels));
    }

    /// <summary>Copies the listed rows (features and labels) into new arrays.</summary>
    public static (float[] Features, int[] Labels) Gather(float[] features, int featureCount, int[] labels, ReadOnlySpan<int> rows)
    {
        var x = new float[(long)rows.Length * featureCount];
        var y = new int[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            features.AsSpan(rows[i] * featureCount, featureCount).CopyTo(x.AsSpan(i * featureCount, featureCount));
            y[i] = labels[rows[i]];
        }

        return (x, y);
    }
}

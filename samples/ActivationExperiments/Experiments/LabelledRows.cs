using Microsoft.ML;
using Microsoft.ML.Data;

namespace ActivationExperiments.Experiments;

/// <summary>Rows of features, row-major, with a class per row.</summary>
internal sealed record LabelledRows(float[] Features, int FeatureCount, int[] Labels)
{
    public int Count => Labels.Length;

    /// <summary>Takes the given rows in the given order.</summary>
    public static LabelledRows Gather(IReadOnlyList<float[]> rows, IReadOnlyList<int> labels, IEnumerable<int> indices)
    {
        var chosen = indices.ToArray();
        int width = rows[0].Length;
        var features = new float[chosen.Length * width];
        var classes = new int[chosen.Length];
        for (int i = 0; i < chosen.Length; i++)
        {
            rows[chosen[i]].CopyTo(features, i * width);
            classes[i] = labels[chosen[i]];
        }

        return new LabelledRows(features, width, classes);
    }

    /// <summary>A permutation of 0..count−1 from a fixed seed, so every run of the sample uses the same split.</summary>
    public static int[] FixedShuffle(int count, int seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(order);
        return order;
    }

    /// <summary>
    /// The rows, in order, as an ML.NET data view: <c>Features</c>, a vector of <see cref="FeatureCount"/> Single, and
    /// <c>Label</c>, a key of <paramref name="classCount"/> values. Declaring the key directly, rather than by
    /// <c>MapValueToKey</c> (which numbers classes in order of appearance), keeps class c on output unit c.
    /// </summary>
    public IDataView ToDataView(MLContext mlContext, int classCount)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, FeatureCount);
        schema[nameof(Row.Label)].ColumnType = new KeyDataViewType(typeof(uint), classCount);
        var rows = Enumerable.Range(0, Count).Select(r => new Row
        {
            Features = Features.AsSpan(r * FeatureCount, FeatureCount).ToArray(),
            Label = (uint)Labels[r],
        });
        return mlContext.Data.LoadFromEnumerable(rows, schema);
    }

    /// <summary>One row as ML.NET reads it; the column types come from the schema in <see cref="ToDataView"/>.</summary>
    /// <remarks>A key field of a loaded class holds the 0-based class: ML.NET stores class c as key c + 1 (key 0 means missing).</remarks>
    private sealed class Row
    {
        public float[] Features { get; set; } = [];

        public uint Label { get; set; }
    }
}

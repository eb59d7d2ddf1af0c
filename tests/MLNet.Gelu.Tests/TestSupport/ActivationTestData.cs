using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Gelu.Tests.TestSupport;

/// <summary>Small data views with every input shape the activation transform accepts, and some it rejects.</summary>
public static class ActivationTestData
{
    public const int Size = 6;

    public sealed class Row
    {
        public float Scalar { get; set; }

        [VectorType(Size)]
        public float[] Known { get; set; } = [];

        public float[] Variable { get; set; } = [];

        [VectorType(Size)]
        public VBuffer<float> Sparse { get; set; }

        public string Text { get; set; } = string.Empty;

        public double Double { get; set; }

        [VectorType(Size)]
        public double[] DoubleVector { get; set; } = [];
    }

    /// <summary>Deterministic rows with values over [−8, 8] (variable-size vectors of 1..Size slots, sparse vectors with 0..3 stored values).</summary>
    public static IDataView Create(MLContext mlContext, int rows = 40, bool slotNames = false)
    {
        var random = new Random(17);
        float Next() => (float)(random.NextDouble() * 16 - 8);
        var data = new List<Row>();
        for (int r = 0; r < rows; r++)
        {
            int stored = r % 4;
            var indices = Enumerable.Range(0, Size).OrderBy(_ => random.Next()).Take(stored).Order().ToArray();
            data.Add(new Row
            {
                Scalar = Next(),
                Known = Enumerable.Range(0, Size).Select(_ => Next()).ToArray(),
                Variable = Enumerable.Range(0, 1 + (r % Size)).Select(_ => Next()).ToArray(),
                Sparse = new VBuffer<float>(Size, stored, indices.Select(_ => Next()).ToArray(), indices),
                Text = $"row {r}",
                Double = Next(),
                DoubleVector = Enumerable.Range(0, Size).Select(_ => (double)Next()).ToArray(),
            });
        }

        var schema = SchemaDefinition.Create(typeof(Row));
        if (slotNames)
        {
            var names = new VBuffer<ReadOnlyMemory<char>>(Size, Enumerable.Range(0, Size).Select(i => $"slot{i}".AsMemory()).ToArray());
            schema[nameof(Row.Known)].AddAnnotation("SlotNames", names, new VectorDataViewType(TextDataViewType.Instance, Size));
        }

        return mlContext.Data.LoadFromEnumerable(data, schema);
    }

    /// <summary>Input values whose activations exercise the tails, zero and the special values.</summary>
    public static float[] Grid()
    {
        var values = new List<float>();
        for (double x = -15; x <= 15; x += 0.0073)
        {
            values.Add((float)x);
        }

        values.AddRange([0f, -0f, 1e-30f, -1e-30f, 1e-40f, -1e-40f, float.Epsilon, 3.4e38f, -3.4e38f, -40f, -100f, 100f, -0.7517915f,
            float.PositiveInfinity, float.NegativeInfinity, float.NaN]);
        return [.. values];
    }
}

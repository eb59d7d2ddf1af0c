using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace ActivationsSample;

/// <summary>The activations inside an ML.NET pipeline: a vector column of inputs, loaded from memory.</summary>
internal static class Pipeline
{
    private const int Width = 6;

    private sealed class Row
    {
        [VectorType(Width)]
        public float[] Features { get; set; } = [];
    }

    public static void Run(MLContext mlContext, TextWriter writer)
    {
        Row[] rows =
        [
            new() { Features = ReferenceTable.Points },
            new() { Features = [-2f, -0.5f, 0.25f, 0.5f, 2f, 4f] },
        ];
        IDataView data = mlContext.Data.LoadFromEnumerable(rows);

        writer.WriteLine("ML.NET data view");
        foreach (DataViewSchema.Column column in data.Schema)
        {
            writer.WriteLine($"  column {column.Index}: {column.Name} ({column.Type})");
        }

        PrintVectors(data, writer, "Features");
    }

    private static void PrintVectors(IDataView data, TextWriter writer, params string[] columns)
    {
        foreach (string name in columns)
        {
            foreach (float[] vector in data.GetColumn<float[]>(name))
            {
                writer.WriteLine($"  {name,-10} [{string.Join(", ", vector.Select(v => ((double)v).ToString("0.0000000", CultureInfo.InvariantCulture)))}]");
            }
        }
    }
}

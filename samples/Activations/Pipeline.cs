using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu;

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

        // One transform per activation, chained: each reads Features and writes a column named after its activation.
        IEstimator<ITransformer> pipeline = mlContext.Transforms.Gelu("Gelu", "Features")
            .Append(mlContext.Transforms.Gelu("GeluTanh", "Features", GeluApproximation.Tanh))
            .Append(mlContext.Transforms.Gelu("GeluSigmoid", "Features", GeluApproximation.Sigmoid))
            .Append(mlContext.Transforms.ApplyActivation("Relu", "Features", Activation.Relu))
            .Append(mlContext.Transforms.ApplyActivation("Elu", "Features", Activation.Elu))
            .Append(mlContext.Transforms.ApplyActivation("Silu", "Features", Activation.Silu));
        ITransformer model = pipeline.Fit(data);
        IDataView transformed = model.Transform(data);

        writer.WriteLine("ML.NET pipeline: Features -> one column per activation");
        foreach (DataViewSchema.Column column in transformed.Schema)
        {
            writer.WriteLine($"  column {column.Index}: {column.Name} ({column.Type})");
        }

        PrintVectors(transformed, writer, "Features", "Gelu", "GeluTanh", "GeluSigmoid", "Relu", "Elu", "Silu");

        // Saved with the library, the model loads back as native transformers; plain ML.NET loads it too.
        using var stream = new MemoryStream();
        mlContext.Model.SaveWithActivations(model, data.Schema, stream);
        stream.Position = 0;
        ITransformer loaded = mlContext.Model.LoadWithActivations(stream, out _);
        float[] before = transformed.GetColumn<float[]>("Gelu").First();
        float[] after = loaded.Transform(data).GetColumn<float[]>("Gelu").First();
        writer.WriteLine($"  saved and loaded: Gelu column identical = {before.SequenceEqual(after)}");
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

using BenchmarkDotNet.Attributes;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Gelu.Benchmarks.Transforms;

/// <summary>
/// GELU (tanh form) over a vector column in an ML.NET pipeline: 100k rows of 384 floats (a MiniLM embedding) or
/// 3072 (a BERT-base FFN row). The baseline reads the input column only (the cost of the data source and cursor);
/// the peers are ML.NET's Expression transform with the tanh form as a lambda, and CustomMapping with a scalar loop.
/// Every method drains the output column through a cursor and returns a checksum, so nothing is skipped.
/// An Expression or CustomMapping pass over 100k × 3072 takes 15–20 s here, hence the short job (about 5 minutes
/// for the class on a quiet 2-core machine).
/// </summary>
[MemoryDiagnoser]
[WarmupCount(1)]
[IterationCount(3)]
public class TransformBenchmarks
{
    private const int Rows = 100_000;
    private const int DistinctRows = 64;
    private readonly MLContext _mlContext = new(seed: 1);
    private IDataView _data = null!;
    private ITransformer _activation = null!;
    private ITransformer _expression = null!;
    private ITransformer _customMapping = null!;

    /// <summary>Floats per row.</summary>
    [Params(384, 3072)]
    public int Width { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Rows cycle through a few pre-built vectors: the source costs one reference copy per row, not 100k arrays.
        float[][] vectors = new float[DistinctRows][];
        for (int i = 0; i < DistinctRows; i++)
        {
            vectors[i] = new float[Width];
            BenchmarkInputs.FillUniform(vectors[i], -6f, 6f, seed: i);
        }

        var schema = SchemaDefinition.Create(typeof(InputRow));
        schema[nameof(InputRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Width);
        _data = _mlContext.Data.LoadFromEnumerable(
            Enumerable.Range(0, Rows).Select(i => new InputRow { Features = vectors[i % DistinctRows] }), schema);

        _activation = _mlContext.Transforms.ApplyActivation("Output", "Features", Activation.GeluTanh).Fit(_data);
        _expression = _mlContext.Transforms.Expression(
            "Output", "x => 0.5 * x * (1 + tanh(0.7978845608 * (x + 0.044715 * x * x * x)))", "Features").Fit(_data);

        var outputSchema = SchemaDefinition.Create(typeof(OutputRow));
        outputSchema[nameof(OutputRow.Output)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Width);
        _customMapping = _mlContext.Transforms.CustomMapping<InputRow, OutputRow>(
            GeluTanhMapping, contractName: null, inputSchemaDefinition: schema, outputSchemaDefinition: outputSchema).Fit(_data);
    }

    [Benchmark(Baseline = true, Description = "read input only")]
    public double ReadInput() => Drain(_data, "Features");

    [Benchmark(Description = "ApplyActivation(GeluTanh)")]
    public double ApplyActivation() => Drain(_activation.Transform(_data), "Output");

    [Benchmark(Description = "Expression (tanh lambda)")]
    public double Expression() => Drain(_expression.Transform(_data), "Output");

    [Benchmark(Description = "CustomMapping (scalar loop)")]
    public double CustomMapping() => Drain(_customMapping.Transform(_data), "Output");

    private static void GeluTanhMapping(InputRow input, OutputRow output)
    {
        float[] x = input.Features;
        if (output.Output.Length != x.Length)
        {
            output.Output = new float[x.Length];
        }

        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];
            output.Output[i] = 0.5f * v * (1 + MathF.Tanh(0.7978845608f * (v + 0.044715f * v * v * v)));
        }
    }

    private static double Drain(IDataView view, string column)
    {
        DataViewSchema.Column output = view.Schema[column];
        using DataViewRowCursor cursor = view.GetRowCursor([output]);
        ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(output);
        VBuffer<float> buffer = default;
        double checksum = 0;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            checksum += buffer.GetValues()[0];
        }

        return checksum;
    }

    /// <summary>Input row; the vector size is set per run through a schema definition.</summary>
    public sealed class InputRow
    {
        /// <summary>The pre-activation values.</summary>
        [VectorType]
        public float[] Features { get; set; } = [];
    }

    /// <summary>CustomMapping output row.</summary>
    public sealed class OutputRow
    {
        /// <summary>The activated values.</summary>
        [VectorType]
        public float[] Output { get; set; } = [];
    }
}

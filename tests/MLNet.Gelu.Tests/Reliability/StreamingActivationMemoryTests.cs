using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Tests.TestSupport;
using Xunit.Abstractions;

namespace MLNet.Gelu.Tests.Reliability;

/// <summary>
/// The activation transforms keep nothing per row: a pipeline over a view that streams 1,000,000 rows from a generator
/// (never a list) holds the same live memory at the last row as at the first.
/// </summary>
[Collection(MemoryCollection.Name)]
public sealed class StreamingActivationMemoryTests(ITestOutputHelper output)
{
    /// <summary>Rows of the pass (default 1,000,000).</summary>
    public const string RowsVariable = "MLNET_GELU_SOAK_ROWS";

    private const int Width = 16;

    /// <summary>
    /// <c>Gelu</c> (exact), then <c>ApplyActivation(Silu)</c> and <c>Gelu(Tanh)</c> over the same column, read through a
    /// cursor that keeps nothing. The live heap, sampled every 1/20 of the rows from the generator (each after a full
    /// collection), may not grow by 1 MiB from the first sample to any later one (one byte a row); every value is checked
    /// against the kernels on spans.
    /// </summary>
    [Fact]
    public void A_pipeline_over_a_million_generated_rows_keeps_live_memory_flat()
    {
        int rows = int.TryParse(Environment.GetEnvironmentVariable(RowsVariable), NumberStyles.None, CultureInfo.InvariantCulture, out int configured) && configured > 0
            ? configured
            : 1_000_000;
        int step = Math.Max(1, rows / 20);
        var memory = new LiveMemory(32);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Generate(rows, step, memory));
        var model = ml.Transforms.Gelu("Exact", "X")
            .Append(ml.Transforms.ApplyActivation("Silu", "X", Activation.Silu))
            .Append(ml.Transforms.Gelu("Tanh", "X", GeluApproximation.Tanh))
            .Fit(data);
        var scored = model.Transform(data);

        using var cursor = scored.GetRowCursor(scored.Schema);
        var x = cursor.GetGetter<VBuffer<float>>(scored.Schema["X"]);
        ValueGetter<VBuffer<float>>[] getters = [.. new[] { "Exact", "Silu", "Tanh" }.Select(c => cursor.GetGetter<VBuffer<float>>(scored.Schema[c]))];
        Activation[] activations = [Activation.Gelu, Activation.Silu, Activation.GeluTanh];
        VBuffer<float> input = default, value = default;
        var expected = new float[Width];
        long read = 0;
        while (cursor.MoveNext())
        {
            x(ref input);
            for (int k = 0; k < getters.Length; k++)
            {
                getters[k](ref value);
                global::MLNet.Gelu.Activations.Apply(activations[k], input.GetValues(), expected);
                if (!value.GetValues().SequenceEqual(expected))
                {
                    Assert.Fail($"row {read}, {activations[k]}: [{string.Join(", ", value.DenseValues())}] instead of [{string.Join(", ", expected)}]");
                }
            }

            read++;
        }

        output.WriteLine($"{rows} rows: {memory.Describe()}");
        Assert.Equal(rows, read);
        var bytes = memory.Bytes;
        Assert.True(bytes.Length >= Math.Min(20, rows), memory.Describe());
        long growth = 0;
        foreach (long b in bytes[1..])
        {
            growth = Math.Max(growth, b - bytes[0]);
        }

        Assert.True(growth < 1 << 20, $"The live heap grew by {growth / 1048576.0:F2} MiB over {rows} rows: {memory.Describe()}");
    }

    /// <summary>Rows made as they are read (one reused object, as a generator over a file would); a sample every <paramref name="step"/> rows.</summary>
    private static IEnumerable<Row> Generate(int rows, int step, LiveMemory memory)
    {
        var row = new Row();
        for (int i = 0; i < rows; i++)
        {
            if (i % step == 0)
            {
                memory.Sample(i);
            }

            for (int j = 0; j < Width; j++)
            {
                row.X[j] = ((i * 31 + j * 7) % 2001 - 1000) / 100f;
            }

            yield return row;
        }
    }

    public sealed class Row
    {
        [VectorType(Width)]
        public float[] X { get; set; } = new float[Width];
    }
}

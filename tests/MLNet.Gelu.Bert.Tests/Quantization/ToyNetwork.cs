using MLNet.Gelu.Bert.Tests.Graphs;
using Onnx;

namespace MLNet.Gelu.Bert.Tests.Quantization;

/// <summary>
/// A two-layer network x [N, 8] → MatMul W1 [8, 6] → Add b1 → Relu → MatMul W2 [6, 5] → Add b2 → y, with random weights,
/// and an emulation of the 8-bit arithmetic ONNX Runtime is asked to do, to compare with what it does.
/// </summary>
internal sealed class ToyNetwork
{
    public const int In = 8, Hidden = 6, Out = 5;

    public ToyNetwork(int seed = 5)
    {
        var random = new Random(seed);
        float[] Draw(int n, double scale) => [.. Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale))];
        W1 = Draw(In * Hidden, 1);
        B1 = Draw(Hidden, 0.5);
        W2 = Draw(Hidden * Out, 1);
        B2 = Draw(Out, 0.5);
        W1[2 * Hidden + 1] = 4f;

        var graph = new TestGraph();
        string x = graph.Input("x", In);
        graph.Tensor("W1", W1, In, Hidden);
        graph.Tensor("b1", B1, Hidden);
        graph.Tensor("W2", W2, Hidden, Out);
        graph.Tensor("b2", B2, Out);
        string h = graph.Op("MatMul", x, "W1");
        string a = graph.Op("Add", h, "b1");
        string r = graph.Op("Relu", a);
        string y = graph.Op("MatMul", r, "W2");
        graph.Rename(graph.Op("Add", y, "b2"), "y");
        graph.Output("y", Out);
        Model = graph.Model;
        FirstMatMul = graph.Graph.Node[0].Name;
        SecondMatMul = graph.Graph.Node[3].Name;
        SecondMatMulOutput = y;
    }

    public float[] W1 { get; }

    public float[] B1 { get; }

    public float[] W2 { get; }

    public float[] B2 { get; }

    public ModelProto Model { get; }

    public string FirstMatMul { get; }

    public string SecondMatMul { get; }

    public string SecondMatMulOutput { get; }

    /// <summary>Rows of inputs with one outlier row, as BERT's activations have.</summary>
    public static float[] Inputs(int rows, int seed = 9)
    {
        var random = new Random(seed);
        var x = new float[rows * In];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)((random.NextDouble() * 2) - 1);
        }

        x[3 * In + 5] = 12f;
        return x;
    }

    /// <summary>The float network.</summary>
    public float[] Float(float[] x) => Layer(Relu(Layer(x, W1, B1, In, Hidden)), W2, B2, Hidden, Out);

    /// <summary>
    /// What the quantized graph computes: weights through <paramref name="weight"/> (quantize, then dequantize) and inputs
    /// through <paramref name="input"/> (the run-time quantization of a whole [rows, K] input, then dequantization).
    /// </summary>
    public float[] Emulate(float[] x, Func<float[], int, int, float[]> weight, Func<float[], int, float[]> input) =>
        Layer(input(Relu(Layer(input(x, In), weight(W1, In, Hidden), B1, In, Hidden)), Hidden), weight(W2, Hidden, Out), B2, Hidden, Out);

    /// <summary>DynamicQuantizeMatMul's input: one uint8 scale and zero point over the whole tensor, range widened to include 0.</summary>
    public static float[] PerTensorInput(float[] x, int width)
    {
        float min = Math.Min(0, x.Min()), max = Math.Max(0, x.Max());
        float scale = max == min ? 1f : (max - min) / 255f;
        float zero = MathF.Round(Math.Clamp(-min / scale, 0, 255), MidpointRounding.ToEven);
        return [.. x.Select(v => (Math.Clamp(MathF.Round(v / scale, MidpointRounding.ToEven) + zero, 0, 255) - zero) * scale)];
    }

    /// <summary>The per-row input: scale max|row| / 127 per row, symmetric.</summary>
    public static float[] PerRowInput(float[] x, int width)
    {
        var result = new float[x.Length];
        for (int r = 0; r < x.Length / width; r++)
        {
            var row = x.AsSpan(r * width, width);
            float max = 0;
            foreach (float v in row)
            {
                max = Math.Max(max, Math.Abs(v));
            }

            float scale = Math.Max(max, 1e-12f) * (1f / 127);
            for (int k = 0; k < width; k++)
            {
                result[r * width + k] = Math.Clamp(MathF.Round(row[k] / scale, MidpointRounding.ToEven), -127, 127) * scale;
            }
        }

        return result;
    }

    private static float[] Layer(float[] x, float[] w, float[] b, int k, int n)
    {
        int rows = x.Length / k;
        var y = new float[rows * n];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = b[j];
                for (int i = 0; i < k; i++)
                {
                    sum += (double)x[r * k + i] * w[i * n + j];
                }

                y[r * n + j] = (float)sum;
            }
        }

        return y;
    }

    private static float[] Relu(float[] x) => [.. x.Select(v => Math.Max(v, 0f))];
}

using MLNet.Gelu.Bert.Graphs;
using Onnx;

namespace MLNet.Gelu.Bert.Tests.Graphs;

/// <summary>Wraps an <see cref="ActivationShape"/> in a model <c>x → [MatMul W + b] → shape → y</c>, runs models in ONNX Runtime, and computes references.</summary>
internal static class ShapeHarness
{
    public const int Rows = 16;
    public const int Width = 6;
    private const int InnerWidth = 4;

    // Entries in {0, ±1, ±0.5} and inputs on a 1/32 grid: the MatMul and bias are exact in float.
    private static readonly float[] Weights =
    [
        1, 0, -1, 0.5f, 0, 1,
        0, 1, 0.5f, -1, 1, 0,
        0.5f, 0, 0, 1, -0.5f, 1,
        0, -0.5f, 1, 0, 0, -1,
    ];

    private static readonly float[] BiasValues = [0.125f, -0.25f, 0.5f, 0, -0.375f, 1];

    public static ActivationShape Shape(string name) => ActivationShapes.All.Single(s => s.Name == name);

    public static ModelProto Build(ActivationShape shape)
    {
        var g = new TestGraph(shape.Opset, shape.Contrib);
        string y;
        if (shape.HasBias)
        {
            string x = g.Input("x", InnerWidth);
            string m = g.Op("MatMul", x, g.Tensor("W", Weights, InnerWidth, Width));
            y = shape.Build(g, m, g.Tensor("b", BiasValues, Width));
        }
        else
        {
            y = shape.Build(g, g.Input("x", Width), null);
        }

        g.Rename(y, "y");
        g.Output("y", Width);
        return g.Model;
    }

    /// <summary>The model input for a shape: x on [−7, 7] in exact steps.</summary>
    public static float[] Input(ActivationShape shape)
    {
        int width = shape.HasBias ? InnerWidth : Width;
        var x = new float[Rows * width];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = MathF.Round((-7f + 14f * i / (x.Length - 1)) * 32) / 32;
        }

        return x;
    }

    /// <summary>The activation's input: x, or x·W + b.</summary>
    public static float[] Preactivation(ActivationShape shape, float[] x)
    {
        if (!shape.HasBias)
        {
            return x;
        }

        var result = new float[Rows * Width];
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Width; c++)
            {
                float sum = 0;
                for (int k = 0; k < InnerWidth; k++)
                {
                    sum += x[r * InnerWidth + k] * Weights[k * Width + c];
                }

                result[r * Width + c] = sum + BiasValues[c];
            }
        }

        return result;
    }

    public static float[] Run(byte[] model, float[] x) => OnnxRun.All(model, x, Rows)["y"];

    public static float[] Reference(Activation activation, float[] preactivation)
    {
        var y = new float[preactivation.Length];
        Activations.Apply(activation, preactivation, y);
        return y;
    }
}


namespace MLNet.Gelu.Benchmarks.Activations;

/// <summary>
/// The plain loop a user would write: one element at a time in <see cref="float"/> with <see cref="MathF"/>
/// (the same formulas as the library's double reference). The floor every kernel must clear.
/// </summary>
internal static class ScalarKernels
{
    private const float Sqrt2OverPi = 0.7978845608f;

    public static void Apply(Activation activation, ReadOnlySpan<float> x, Span<float> destination)
    {
        switch (activation)
        {
            case Activation.Gelu:
                for (int i = 0; i < x.Length; i++)
                {
                    float v = x[i];
                    float q = UpperTail(MathF.Abs(v));
                    destination[i] = v < 0 ? v * q : v - v * q;
                }

                break;
            case Activation.GeluTanh:
                for (int i = 0; i < x.Length; i++)
                {
                    float v = x[i];
                    destination[i] = v * Sigmoid(2 * Sqrt2OverPi * (v + 0.044715f * v * v * v));
                }

                break;
            case Activation.GeluSigmoid:
                for (int i = 0; i < x.Length; i++)
                {
                    float v = x[i];
                    destination[i] = v * Sigmoid(1.702f * v);
                }

                break;
            case Activation.Relu:
                for (int i = 0; i < x.Length; i++)
                {
                    destination[i] = MathF.Max(x[i], 0f);
                }

                break;
            case Activation.Elu:
                for (int i = 0; i < x.Length; i++)
                {
                    float v = x[i];
                    destination[i] = v > 0 ? v : MathF.Exp(v) - 1;
                }

                break;
            case Activation.Silu:
                for (int i = 0; i < x.Length; i++)
                {
                    float v = x[i];
                    destination[i] = v * Sigmoid(v);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }
    }

    private static float Sigmoid(float z) => 1 / (1 + MathF.Exp(-z));

    /// <summary>Q(a) = ½·erfc(a/√2) for a ≥ 0 (Numerical Recipes erfc, relative error below 1.2e‑7).</summary>
    private static float UpperTail(float a)
    {
        float z = a * 0.70710678f;
        float t = 1 / (1 + 0.5f * z);
        float r = t * MathF.Exp(-z * z - 1.26551223f + t * (1.00002368f + t * (0.37409196f + t * (0.09678418f +
            t * (-0.18628806f + t * (0.27886807f + t * (-1.13520398f + t * (1.48851587f +
            t * (-0.82215223f + t * 0.17087277f)))))))));
        return 0.5f * r;
    }
}

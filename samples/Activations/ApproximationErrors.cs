using System.Globalization;
using MLNet.Gelu;

namespace ActivationsSample;

/// <summary>How far the tanh and sigmoid approximations are from exact GELU, on a dense grid over [−8, 8].</summary>
internal static class ApproximationErrors
{
    public static void Print(TextWriter writer)
    {
        float[] x = Grid(-8f, 8f, 160_001);
        float[] exact = new float[x.Length];
        float[] exactDerivative = new float[x.Length];
        MLNet.Gelu.Activations.Apply(Activation.Gelu, x, exact);
        MLNet.Gelu.Activations.Derivative(Activation.Gelu, x, exactDerivative);

        writer.WriteLine($"Largest difference from exact GELU on [-8, 8] ({x.Length:N0} points)");
        foreach (Activation approximation in new[] { Activation.GeluTanh, Activation.GeluSigmoid })
        {
            var (value, at) = MaxAbsDifference(approximation, x, exact, MLNet.Gelu.Activations.Apply);
            var (derivative, derivativeAt) = MaxAbsDifference(approximation, x, exactDerivative, MLNet.Gelu.Activations.Derivative);
            writer.WriteLine(
                $"  {approximation,-12} max |f - Gelu| = {Format(value)} at x = {at:0.000}; " +
                $"max |f' - Gelu'| = {Format(derivative)} at x = {derivativeAt:0.000}");
        }

        writer.WriteLine();
    }

    private delegate void SpanFunction(Activation activation, ReadOnlySpan<float> x, Span<float> destination);

    private static (float Difference, float At) MaxAbsDifference(Activation activation, float[] x, float[] reference, SpanFunction function)
    {
        float[] values = new float[x.Length];
        function(activation, x, values);
        float max = 0f;
        float at = 0f;
        for (int i = 0; i < x.Length; i++)
        {
            float difference = MathF.Abs(values[i] - reference[i]);
            if (difference > max)
            {
                (max, at) = (difference, x[i]);
            }
        }

        return (max, at);
    }

    private static float[] Grid(float from, float to, int count)
    {
        float[] x = new float[count];
        for (int i = 0; i < count; i++)
        {
            x[i] = from + (to - from) * i / (count - 1);
        }

        return x;
    }

    private static string Format(float value) => value.ToString("0.00e0", CultureInfo.InvariantCulture);
}

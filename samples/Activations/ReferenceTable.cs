using System.Globalization;
using MLNet.Gelu;

namespace ActivationsSample;

/// <summary>Each activation's value and derivative at the reference points, through the library's span API.</summary>
internal static class ReferenceTable
{
    /// <summary>The reference points (−3, −1, 0, 1, 3), plus the minimum of exact GELU (−0.7517915, where f′ = 0).</summary>
    public static readonly float[] Points = [-3f, -1f, -0.7517915f, 0f, 1f, 3f];

    public static void Print(TextWriter writer)
    {
        float[] values = new float[Points.Length];
        float[] derivatives = new float[Points.Length];

        writer.WriteLine("Values f(x) and derivatives f'(x)");
        writer.WriteLine($"{"x",-14}" + string.Concat(Points.Select(p => $"{Format(p),14}")));
        foreach (Activation activation in Enum.GetValues<Activation>())
        {
            MLNet.Gelu.Activations.Apply(activation, Points, values);
            MLNet.Gelu.Activations.Derivative(activation, Points, derivatives);
            writer.WriteLine($"{activation,-14}" + string.Concat(values.Select(v => $"{Format(v),14}")));
            writer.WriteLine($"{"  f'",-14}" + string.Concat(derivatives.Select(d => $"{Format(d),14}")));
        }

        writer.WriteLine();
    }

    // Through double: a float's custom format stops at 7 significant digits, the double shows the float's exact value.
    private static string Format(float value) => ((double)value).ToString("0.0000000", CultureInfo.InvariantCulture);
}

using System.Globalization;

namespace MLNet.Gelu.Persistence;

/// <summary>
/// Each activation written in the language of ML.NET's Expression transform, computed in double and rounded to
/// Single, so that a saved model runs in any ML.NET app without this library.
/// </summary>
/// <remarks>
/// Exact GELU uses erfc(z) ≈ t·exp(−z² − 1.26551223 + t·P(t)), t = 1/(1 + z/2), a Chebyshev fit with relative
/// error below 1.2e‑7 everywhere (Numerical Recipes' <c>erfcc</c>), on |x| so that nothing cancels in the negative tail.
/// Inputs below −120 (or beyond ±40 for the exact form) return the limit (−0 or x) directly: the formulas would
/// give NaN at ±∞, and the exact result rounds to that limit in Single anyway. Every expression maps 0 to 0, so
/// the Expression transform keeps sparse vectors sparse.
/// </remarks>
internal static class ActivationExpressions
{
    private const string Gelu =
        "x => with(d = double(x), a = abs(d), z = a * 0.7071067811865476d, t = 1d / (1d + 0.5d * z), " +
        "q = 0.5d * t * exp(-z * z - 1.26551223d + t * (1.00002368d + t * (0.37409196d + t * (0.09678418d + " +
        "t * (-0.18628806d + t * (0.27886807d + t * (-1.13520398d + t * (1.48851587d + t * (-0.82215223d + " +
        "t * 0.17087277d))))))))) ; " +
        "float(a > 40d ? (d < 0d ? -0d : d) : (d < 0d ? -a * q : d - d * q)))";

    internal static string For(Activation activation) => activation switch
    {
        Activation.Gelu => Gelu,
        Activation.GeluTanh => XTimesSigmoid("1.5957691216057308d * (d + 0.044715d * d * d * d)"),
        Activation.GeluSigmoid => XTimesSigmoid("1.702d * d"),
        Activation.Silu => XTimesSigmoid("d"),
        Activation.Relu => "x => x > 0.0 ? x : (x == 0.0 ? x : (isna(x) ? x : 0.0))",
        Activation.Elu => "x => with(d = double(x) ; float(d > 0d ? d : (d > -0.00001d ? d + 0.5d * d * d : exp(d) - 1d)))",
        _ => throw new ArgumentOutOfRangeException(
            nameof(activation), activation, string.Create(CultureInfo.InvariantCulture, $"No saved form for activation {(int)activation}.")),
    };

    /// <summary><c>x·σ(u)</c> as <c>x / (1 + e^(−u))</c>.</summary>
    private static string XTimesSigmoid(string u) =>
        $"x => with(d = double(x) ; float(d < -120d ? -0d : d / (1d + exp(-({u})))))";
}

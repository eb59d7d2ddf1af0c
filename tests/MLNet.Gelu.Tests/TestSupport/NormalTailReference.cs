namespace MLNet.Gelu.Tests.TestSupport;

/// <summary>
/// An independent double-precision GELU: Q(a) = ½·erfc(a/√2) from the all-positive erf series below z = 2 and
/// erfc's continued fraction above (both converged far below float precision), so tests do not compare a fit with itself.
/// </summary>
public static class NormalTailReference
{
    /// <summary>Exact GELU, <c>x·Φ(x)</c>, in double.</summary>
    public static double Gelu(double x) => x < 0 ? x * UpperTail(-x) : x - x * UpperTail(x);

    /// <summary>Q(a) = ½·erfc(a/√2) for a ≥ 0.</summary>
    public static double UpperTail(double a)
    {
        double z = a / Math.Sqrt(2);
        if (z < 2)
        {
            // erf(z) = 2/√π · e^(−z²) · Σ 2ⁿ z^(2n+1) / (1·3·…·(2n+1))
            double term = z, sum = z;
            for (int n = 1; n < 200 && term > 1e-18 * sum; n++)
            {
                term *= 2 * z * z / (2 * n + 1);
                sum += term;
            }

            return 0.5 * (1 - 2 / Math.Sqrt(Math.PI) * Math.Exp(-z * z) * sum);
        }

        // erfc(z) = e^(−z²)/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + …)))), evaluated from the tail.
        double fraction = z;
        for (int k = 400; k >= 1; k--)
        {
            fraction = z + k / 2.0 / fraction;
        }

        return 0.5 * Math.Exp(-z * z) / Math.Sqrt(Math.PI) / fraction;
    }
}

namespace MLNet.Gelu;

/// <summary>Plain double-precision formulas (DESIGN §2), used as the slow reference path.</summary>
internal static class ScalarReference
{
    internal static double Value(Activation activation, double x) => activation switch
    {
        Activation.Gelu => x < 0 ? x * UpperTail(-x) : x - x * UpperTail(x),
        Activation.GeluTanh => x * Sigmoid(2 * 0.7978845608028654 * (x + 0.044715 * x * x * x)),
        Activation.GeluSigmoid => x * Sigmoid(1.702 * x),
        Activation.Relu => x > 0 ? x : (x == 0 ? x : 0.0),
        Activation.Elu => x > 0 ? x : Math.Exp(x) - 1,
        Activation.Silu => x * Sigmoid(x),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };

    internal static double Derivative(Activation activation, double x)
    {
        switch (activation)
        {
            case Activation.Gelu:
                return (x < 0 ? UpperTail(-x) : 1 - UpperTail(x)) + x * 0.3989422804014327 * Math.Exp(-0.5 * x * x);
            case Activation.GeluTanh:
            {
                double s = Sigmoid(2 * 0.7978845608028654 * (x + 0.044715 * x * x * x));
                return s + x * s * (1 - s) * 2 * 0.7978845608028654 * (1 + 0.134145 * x * x);
            }
            case Activation.GeluSigmoid:
            {
                double s = Sigmoid(1.702 * x);
                return s + 1.702 * x * s * (1 - s);
            }
            case Activation.Relu:
                return x > 0 ? 1 : 0;
            case Activation.Elu:
                return x > 0 ? 1 : Math.Exp(x);
            case Activation.Silu:
            {
                double s = Sigmoid(x);
                return s * (1 + x * (1 - s));
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }
    }

    internal static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    /// <summary>Q(a) = ½·erfc(a/√2), the standard normal upper tail, with relative error below 1.2e‑7 (Chebyshev fit of erfc).</summary>
    internal static double UpperTail(double a)
    {
        double z = Math.Abs(a) * 0.7071067811865476;
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
            t * (-0.82215223 + t * 0.17087277)))))))));
        double erfc = a >= 0 ? r : 2 - r;
        return 0.5 * erfc;
    }
}

using System.Runtime.InteropServices;

namespace MLNet.Gelu.Tests.TestSupport;

/// <summary>
/// The activation formulas in double precision. erfc comes from the C library (glibc's is correct to within
/// about 1 ulp in double, far below float resolution), so exact GELU is checked against an independent erfc.
/// </summary>
internal static class DoubleReference
{
    private const double SqrtTwoOverPi = 0.7978845608028654;
    private const double InvSqrt2 = 0.7071067811865476;
    private const double InvSqrt2Pi = 0.3989422804014327;

    private static readonly Func<double, double> Erfc = LoadErfc();

    internal static double Value(Activation activation, double x) => activation switch
    {
        Activation.Gelu => 0.5 * x * Erfc(-x * InvSqrt2),
        Activation.GeluTanh => x * Sigmoid(2 * SqrtTwoOverPi * (x + 0.044715 * x * x * x)),
        Activation.GeluSigmoid => x * Sigmoid(1.702 * x),
        Activation.Relu => x < 0 ? 0.0 : x,
        Activation.Elu => x > 0 ? x : x > -1 ? 2 * Math.Exp(x / 2) * Math.Sinh(x / 2) : Math.Exp(x) - 1, // no cancellation near 0
        Activation.Silu => x * Sigmoid(x),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    internal static double Derivative(Activation activation, double x)
    {
        switch (activation)
        {
            case Activation.Gelu:
                return 0.5 * Erfc(-x * InvSqrt2) + x * InvSqrt2Pi * Math.Exp(-0.5 * x * x);
            case Activation.GeluTanh:
            {
                double s = Sigmoid(2 * SqrtTwoOverPi * (x + 0.044715 * x * x * x));
                return s + x * s * (1 - s) * 2 * SqrtTwoOverPi * (1 + 0.134145 * x * x);
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
                throw new ArgumentOutOfRangeException(nameof(activation));
        }
    }

    internal static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    /// <summary>The standard normal upper tail Q(a) = ½·erfc(a/√2).</summary>
    internal static double UpperTail(double a) => 0.5 * Erfc(a * InvSqrt2);

    private static Func<double, double> LoadErfc()
    {
        string library = OperatingSystem.IsWindows() ? "ucrtbase.dll" : OperatingSystem.IsMacOS() ? "libSystem.dylib" : "libm.so.6";
        nint handle = NativeLibrary.Load(library);
        nint erfc = NativeLibrary.GetExport(handle, "erfc");
        unsafe
        {
            var function = (delegate* unmanaged[Cdecl]<double, double>)erfc;
            return x => function(x);
        }
    }
}

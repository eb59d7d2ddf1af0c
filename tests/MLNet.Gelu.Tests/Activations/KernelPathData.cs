using MLNet.Gelu.Tests.TestSupport;

namespace MLNet.Gelu.Tests.Activations;

/// <summary>Theory data over the kernel widths that run as real instructions on this machine (scalar always).</summary>
public static class KernelPathData
{
    public static TheoryData<int> Paths
    {
        get
        {
            var data = new TheoryData<int>();
            foreach (var path in KernelPaths.Accelerated)
            {
                data.Add((int)path);
            }

            return data;
        }
    }

    public static TheoryData<Activation, bool> ActivationsAndDerivatives
    {
        get
        {
            var data = new TheoryData<Activation, bool>();
            foreach (var activation in Enum.GetValues<Activation>())
            {
                data.Add(activation, false);
                data.Add(activation, true);
            }

            return data;
        }
    }

    internal static void Run(Activation activation, bool derivative, ReadOnlySpan<float> x, Span<float> destination, KernelPath path)
    {
        if (derivative)
        {
            ActivationKernels.Derivative(activation, x, destination, path);
        }
        else
        {
            ActivationKernels.Apply(activation, x, destination, path);
        }
    }

    internal static double Reference(Activation activation, bool derivative, double x)
        => derivative ? DoubleReference.Derivative(activation, x) : DoubleReference.Value(activation, x);
}

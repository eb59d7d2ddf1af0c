namespace MLNet.Gelu;

/// <summary>Maps an <see cref="Activation"/> to its operator structs and runs them (no span validation here).</summary>
internal static class ActivationKernels
{
    /// <summary>Applies <paramref name="activation"/>; <paramref name="path"/> forces a width, null picks the widest.</summary>
    internal static void Apply(Activation activation, ReadOnlySpan<float> x, Span<float> destination, KernelPath? path = null)
    {
        switch (activation)
        {
            case Activation.Gelu: Run<GeluOperator>(x, destination, path); break;
            case Activation.GeluTanh: Run<GeluTanhOperator>(x, destination, path); break;
            case Activation.GeluSigmoid: Run<GeluSigmoidOperator>(x, destination, path); break;
            case Activation.Relu: Run<ReluOperator>(x, destination, path); break;
            case Activation.Elu: Run<EluOperator>(x, destination, path); break;
            case Activation.Silu: Run<SiluOperator>(x, destination, path); break;
            default: throw Unknown(activation);
        }
    }

    /// <summary>Applies the derivative of <paramref name="activation"/>; <paramref name="path"/> as in <see cref="Apply"/>.</summary>
    internal static void Derivative(Activation activation, ReadOnlySpan<float> x, Span<float> destination, KernelPath? path = null)
    {
        switch (activation)
        {
            case Activation.Gelu: Run<GeluDerivativeOperator>(x, destination, path); break;
            case Activation.GeluTanh: Run<GeluTanhDerivativeOperator>(x, destination, path); break;
            case Activation.GeluSigmoid: Run<GeluSigmoidDerivativeOperator>(x, destination, path); break;
            case Activation.Relu: Run<ReluDerivativeOperator>(x, destination, path); break;
            case Activation.Elu: Run<EluDerivativeOperator>(x, destination, path); break;
            case Activation.Silu: Run<SiluDerivativeOperator>(x, destination, path); break;
            default: throw Unknown(activation);
        }
    }

    /// <summary>Throws the exception <see cref="Apply"/> throws for a value outside the enum.</summary>
    internal static void EnsureKnown(Activation activation)
    {
        if (!Enum.IsDefined(activation))
        {
            throw Unknown(activation);
        }
    }

    private static void Run<TOp>(ReadOnlySpan<float> x, Span<float> destination, KernelPath? path)
        where TOp : IActivationOperator
    {
        if (path is { } forced)
        {
            ActivationDriver.Apply<TOp>(x, destination, forced);
        }
        else
        {
            ActivationDriver.Apply<TOp>(x, destination);
        }
    }

    private static ArgumentOutOfRangeException Unknown(Activation activation) => new(
        nameof(activation),
        activation,
        $"Unknown activation {(int)activation}; use one of {string.Join(", ", Enum.GetNames<Activation>())}.");
}

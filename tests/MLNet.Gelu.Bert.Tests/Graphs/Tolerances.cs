namespace MLNet.Gelu.Bert.Tests.Graphs;

/// <summary>
/// How close ONNX Runtime 1.31 (CPU) comes to the double-precision reference on x ∈ [−7, 7], for every form of a target.
/// ORT forms <c>1 + erf</c> / <c>1 + tanh</c> (and σ) in float, so its absolute error is small but its relative error
/// in the negative tail is large: GELU(−5.34) = −8.79e‑8 comes out −1.65e‑7. Measured maximum absolute errors:
/// Gelu 7.7e‑8 (contrib Gelu, erf ops, ONNX Gelu alike), GeluTanh 2.5e‑7 (FastGelu, ONNX Gelu tanh) and 3.6e‑7
/// (tanh ops), GeluSigmoid 5.3e‑7, Silu 3.2e‑7, Elu 6e‑8, Relu 0. The bounds below are those, rounded up.
/// </summary>
internal static class Tolerances
{
    private const double Relative = 1e-6;

    public static (double Absolute, double Relative) Of(Activation target) => target switch
    {
        Activation.Gelu => (2e-7, Relative),
        Activation.GeluTanh => (5e-7, Relative),
        Activation.GeluSigmoid => (8e-7, Relative),
        Activation.Silu => (5e-7, Relative),
        Activation.Elu => (1.5e-7, Relative),
        Activation.Relu => (0, 0),
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "No tolerance for this activation."),
    };
}

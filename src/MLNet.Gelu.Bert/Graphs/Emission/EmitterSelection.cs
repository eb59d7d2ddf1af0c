using MLNet.Gelu.Bert.Graphs.Detection;

namespace MLNet.Gelu.Bert.Graphs.Emission;

/// <summary>Chooses the emitter for a target activation and op style (the table on <see cref="ActivationOpStyle"/>).</summary>
internal static class EmitterSelection
{
    public static IActivationEmitter For(Activation target, ActivationOpStyle style) => (target, style) switch
    {
        (Activation.Gelu, ActivationOpStyle.ContribOps) => new ContribGeluEmitter(),
        (Activation.Gelu, ActivationOpStyle.StandardOps) => new ErfFormEmitter(),
        (Activation.Gelu, ActivationOpStyle.Onnx20) => new OnnxGeluEmitter("none"),
        (Activation.GeluTanh, ActivationOpStyle.ContribOps) => new ContribFastGeluEmitter(),
        (Activation.GeluTanh, ActivationOpStyle.StandardOps) => new TanhFormEmitter(),
        (Activation.GeluTanh, ActivationOpStyle.Onnx20) => new OnnxGeluEmitter("tanh"),
        (Activation.GeluSigmoid, ActivationOpStyle.ContribOps) => new ContribQuickGeluEmitter(SigmoidFormDetector.GeluAlpha),
        (Activation.GeluSigmoid, _) => new SigmoidFormEmitter(SigmoidFormDetector.GeluAlpha),
        (Activation.Silu, ActivationOpStyle.ContribOps) => new ContribQuickGeluEmitter(1.0),
        (Activation.Silu, _) => new SigmoidFormEmitter(1.0),
        (Activation.Relu, _) => new OnnxUnaryEmitter("Relu"),
        (Activation.Elu, _) => new OnnxUnaryEmitter("Elu"),
        _ => throw new ArgumentOutOfRangeException(nameof(target), target,
            $"No way to write activation {target}; use one of {string.Join(", ", Enum.GetNames<Activation>())}."),
    };
}

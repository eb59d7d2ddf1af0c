namespace MLNet.Gelu.Bert.Graphs;

/// <summary>Which operators a rewrite writes an activation with.</summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>target</term><description><see cref="ContribOps"/> / <see cref="StandardOps"/> / <see cref="Onnx20"/></description></listheader>
/// <item><term><see cref="Activation.Gelu"/></term><description><c>com.microsoft.Gelu</c> (<c>BiasGelu</c> with a bias) / erf form / <c>Gelu</c></description></item>
/// <item><term><see cref="Activation.GeluTanh"/></term><description><c>com.microsoft.FastGelu</c> / tanh form / <c>Gelu(approximate="tanh")</c></description></item>
/// <item><term><see cref="Activation.GeluSigmoid"/></term><description><c>com.microsoft.QuickGelu(alpha=1.702)</c> / <c>x·Sigmoid(1.702x)</c> / same</description></item>
/// <item><term><see cref="Activation.Silu"/></term><description><c>com.microsoft.QuickGelu(alpha=1)</c> / <c>x·Sigmoid(x)</c> / same</description></item>
/// <item><term><see cref="Activation.Relu"/>, <see cref="Activation.Elu"/></term><description>the ONNX <c>Relu</c> and <c>Elu</c> operators in every style</description></item>
/// </list>
/// </remarks>
public enum ActivationOpStyle
{
    /// <summary>ONNX Runtime contrib operators (domain <c>com.microsoft</c>), the fastest on ONNX Runtime; other runtimes may not know them.</summary>
    ContribOps = 0,

    /// <summary>Only standard operators available at the model's own opset (the shapes ONNX Runtime's optimizer fuses).</summary>
    StandardOps = 1,

    /// <summary>
    /// The ONNX <c>Gelu</c> operator for GELU targets; when one is written and the default-domain opset is below 20
    /// (but at least 11), raises it to 20 and converts the operators whose signature changed (<c>ReduceMean</c> axes,
    /// <c>Unsqueeze</c>, <c>Softmax</c> before 13, ...).
    /// </summary>
    Onnx20 = 2,
}

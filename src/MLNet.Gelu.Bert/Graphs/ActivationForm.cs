namespace MLNet.Gelu.Bert.Graphs;

/// <summary>How an activation is written in an ONNX graph (as opposed to where it is: see <see cref="ActivationSite"/>).</summary>
public enum ActivationForm
{
    /// <summary>Standard ops around <c>Erf</c>: <c>½·x·(1 + erf(x/√2))</c> in any arrangement (PyTorch, Keras, TensorFlow exports).</summary>
    ErfOps = 0,

    /// <summary>
    /// Standard ops around <c>Tanh</c>: <c>½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))</c> in any arrangement
    /// (Hugging Face <c>gelu_new</c>, OpenAI/Megatron, torch export below opset 20).
    /// </summary>
    TanhOps = 1,

    /// <summary>Standard ops around <c>Sigmoid</c>: <c>x·σ(α·x)</c> (α = 1.702: sigmoid GELU; α = 1: SiLU).</summary>
    SigmoidOps = 2,

    /// <summary>ONNX Runtime contrib operator <c>com.microsoft.Gelu</c> (exact GELU).</summary>
    ContribGelu = 3,

    /// <summary>ONNX Runtime contrib operator <c>com.microsoft.BiasGelu</c> (exact GELU of input plus bias).</summary>
    ContribBiasGelu = 4,

    /// <summary>ONNX Runtime contrib operator <c>com.microsoft.FastGelu</c> (tanh GELU, optional bias input).</summary>
    ContribFastGelu = 5,

    /// <summary>ONNX Runtime contrib operator <c>com.microsoft.QuickGelu</c>: <c>x·σ(alpha·x)</c>.</summary>
    ContribQuickGelu = 6,

    /// <summary>ONNX operator <c>Gelu</c> (opset 20), attribute <c>approximate</c> = <c>none</c> or <c>tanh</c>.</summary>
    OnnxGelu = 7,

    /// <summary>ONNX operator <c>Relu</c> (written by a rewrite; never detected as a site).</summary>
    OnnxRelu = 8,

    /// <summary>ONNX operator <c>Elu</c> (written by a rewrite; never detected as a site).</summary>
    OnnxElu = 9,
}

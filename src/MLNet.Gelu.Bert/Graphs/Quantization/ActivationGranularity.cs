namespace MLNet.Gelu.Bert.Graphs;

/// <summary>How a quantized MatMul's float input is quantized at run time (see <see cref="MatMulQuantizationOptions.Activations"/>).</summary>
public enum ActivationGranularity
{
    /// <summary>
    /// One uint8 scale and zero point for the whole input tensor of each run, from its minimum and maximum: ONNX Runtime's
    /// <c>com.microsoft.DynamicQuantizeMatMul</c>, one node per MatMul. The fastest, but one outlier anywhere in a batch
    /// coarsens every row, and a row's result depends on the other rows of its batch.
    /// </summary>
    PerTensor,

    /// <summary>
    /// One scale per row (per token), max|x| / 127, symmetric (uint8 with zero point 128), written with standard operators
    /// (<c>Abs</c>, <c>ReduceMax</c>, per-axis <c>QuantizeLinear</c>) feeding <c>com.microsoft.MatMulIntegerToFloat</c>, then a
    /// <c>Mul</c> by the row scales. MatMuls that read the same tensor share its quantization. More accurate on inputs whose
    /// outliers sit in a few rows, and a row's result does not depend on the rest of its batch; costs a few element-wise
    /// passes per input. Raises a model's default opset to 13 when it is older (per-axis <c>QuantizeLinear</c>).
    /// </summary>
    PerRow,

    /// <summary>
    /// Weights in 8 bits per block of 32 input channels of each output column (so <see cref="MatMulQuantizationOptions.Weights"/>
    /// and <see cref="MatMulQuantizationOptions.SymmetricWeights"/> do not apply), and the input quantized to int8 per row and
    /// block by ONNX Runtime itself: <c>com.microsoft.MatMulNBits</c> (bits 8, accuracy level 4), one node per MatMul. The most
    /// accurate, but ONNX Runtime 1.31's kernel for it was slower than the others here.
    /// </summary>
    PerBlock,
}

namespace MLNet.Gelu.Bert.Graphs;

/// <summary>What <see cref="MatMulQuantizer.Verify"/> checked on a quantized model.</summary>
/// <param name="MatMulsChecked">The quantized MatMuls whose output is now written by the expected operator.</param>
/// <param name="OpCounts">Node counts of the quantized graph by operator.</param>
/// <param name="OptimizedOpCounts">Node counts of the graph ONNX Runtime runs, after its optimizations at the level asked for (fusions show here).</param>
/// <param name="InputNames">The session's input names.</param>
/// <param name="OutputNames">The session's output names.</param>
public sealed record MatMulQuantizationVerification(
    int MatMulsChecked,
    IReadOnlyDictionary<string, int> OpCounts,
    IReadOnlyDictionary<string, int> OptimizedOpCounts,
    IReadOnlyList<string> InputNames,
    IReadOnlyList<string> OutputNames);

namespace MLNet.Gelu.Bert.Graphs;

/// <summary>Options for <see cref="MatMulQuantizer"/>. Every property has a documented default.</summary>
public sealed class MatMulQuantizationOptions
{
    /// <summary>One scale per output column (default, <see cref="WeightGranularity.PerChannel"/>) or one per matrix.</summary>
    public WeightGranularity Weights { get; init; } = WeightGranularity.PerChannel;

    /// <summary>
    /// Symmetric int8 weights with zero point 0 (default true), or asymmetric uint8 weights with a zero point. ONNX Runtime
    /// multiplies uint8 activations by int8 weights fastest on x64 (its "U8S8" format).
    /// </summary>
    public bool SymmetricWeights { get; init; } = true;

    /// <summary>How inputs are quantized at run time; default <see cref="ActivationGranularity.PerTensor"/>.</summary>
    public ActivationGranularity Activations { get; init; } = ActivationGranularity.PerTensor;

    /// <summary>
    /// Keep in float32 the MatMuls whose input is an activation's output (a GELU, SiLU, ReLU or ELU found in the graph: in a
    /// BERT the feed-forward output projections, whose inputs are the most skewed). Default false.
    /// </summary>
    public bool KeepActivationInputs { get; init; }

    /// <summary>Names of MatMul nodes (or of their output tensors) to keep in float32. Default none.</summary>
    public IReadOnlyCollection<string> KeepNodes { get; init; } = [];

    /// <summary>
    /// Fold a bias <c>Add(MatMul(x, W), b)</c> with a constant 1-D <c>b</c> of N values, the MatMul's only reader, into the
    /// quantized node's bias input (with <see cref="ActivationGranularity.PerTensor"/>). Default true.
    /// </summary>
    public bool FoldBias { get; init; } = true;

    /// <summary>
    /// SmoothQuant-style smoothing: per input channel, divide the input by s and multiply the weight's row by s before
    /// quantizing, with s from calibration ranges (see <see cref="MatMulSmoothing"/>). Default null (none).
    /// </summary>
    public MatMulSmoothing? Smoothing { get; init; }

    /// <summary>The smoothing strength of <see cref="ForBert"/>.</summary>
    internal const double BertAlpha = 0.5;

    /// <summary>
    /// The recipe <see cref="BertPrecision.Int8"/> applies, chosen by the measurements in docs/experiments.md: per-channel
    /// symmetric int8 weights, inputs quantized per row (<see cref="ActivationGranularity.PerRow"/>), and smoothing with
    /// α = 0.5 on ranges from <see cref="MatMulInputRanges.MeasureOnVocabulary"/> (64 random word sequences, seed 1), so the
    /// same model always gives the same quantized graph.
    /// </summary>
    /// <param name="model">The model as it will be quantized (after any activation rewrite).</param>
    /// <param name="intraOpThreads">Threads for the calibration runs; 0 (default) lets ONNX Runtime choose.</param>
    /// <returns>Options for <see cref="MatMulQuantizer.Quantize(byte[], MatMulQuantizationOptions?)"/>.</returns>
    public static MatMulQuantizationOptions ForBert(BertModel model, int intraOpThreads = 0) => new()
    {
        Activations = ActivationGranularity.PerRow,
        Smoothing = new MatMulSmoothing(MatMulInputRanges.MeasureOnVocabulary(model, intraOpThreads: intraOpThreads), BertAlpha),
    };

    /// <summary>The defaults: per-channel symmetric int8 weights, per-tensor dynamic activations, every MatMul with a constant 2-D weight quantized.</summary>
    public static MatMulQuantizationOptions Default { get; } = new();

    /// <summary>Checks every value; throws naming the property.</summary>
    internal void Validate()
    {
        if (!Enum.IsDefined(Weights))
        {
            throw new ArgumentOutOfRangeException(nameof(Weights), Weights, $"Unknown weight granularity; use one of {string.Join(", ", Enum.GetNames<WeightGranularity>())}.");
        }

        if (!Enum.IsDefined(Activations))
        {
            throw new ArgumentOutOfRangeException(nameof(Activations), Activations,
                $"Unknown activation granularity; use one of {string.Join(", ", Enum.GetNames<ActivationGranularity>())}.");
        }

        ArgumentNullException.ThrowIfNull(KeepNodes, nameof(KeepNodes));
        if (KeepNodes.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("KeepNodes holds a null or empty name; list MatMul node names or their output tensor names.", nameof(KeepNodes));
        }

        Smoothing?.Validate();
    }
}

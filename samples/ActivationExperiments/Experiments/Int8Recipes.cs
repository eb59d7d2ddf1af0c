using MLNet.Gelu.Bert;
using MLNet.Gelu.Bert.Graphs;

namespace ActivationExperiments.Experiments;

/// <summary>
/// The int8 recipes the experiment compares: how weights are scaled, how inputs are quantized at run time, which MatMuls
/// stay in float32, and smoothing. Each builds quantization options for a model; <see cref="Default"/> is what
/// <see cref="BertPrecision.Int8"/> applies and is run through that option.
/// </summary>
internal static class Int8Recipes
{
    /// <summary>One recipe.</summary>
    /// <param name="Name">Short name for tables.</param>
    /// <param name="Description">What it does.</param>
    /// <param name="Options">The options for a model, given calibration ranges measured on real sentences.</param>
    public sealed record Recipe(string Name, string Description, Func<BertModel, Func<MatMulInputRanges>, MatMulQuantizationOptions> Options)
    {
        /// <summary>True for the recipe of <see cref="BertPrecision.Int8"/>.</summary>
        public bool IsDefault => Name == Default.Name;
    }

    public static Recipe Default { get; } = new(
        "Int8 (default)", "per-channel symmetric weights, per-row inputs, smoothing α 0.5 calibrated on 64 vocabulary word sequences (BertPrecision.Int8)",
        (model, _) => MatMulQuantizationOptions.ForBert(model));

    /// <summary>Every recipe measured on MiniLM, the default among them.</summary>
    public static IReadOnlyList<Recipe> All { get; } =
    [
        new("tensor-sym", "per-tensor symmetric weights, per-tensor inputs (DynamicQuantizeMatMul)",
            (_, _) => new() { Weights = WeightGranularity.PerTensor }),
        new("channel-sym", "per-channel symmetric weights, per-tensor inputs (DynamicQuantizeMatMul)", (_, _) => new()),
        new("channel-asym", "per-channel asymmetric uint8 weights, per-tensor inputs", (_, _) => new() { SymmetricWeights = false }),
        new("channel-sym, FFN out fp32", "as channel-sym, the 6 MatMuls reading GELU's output kept in float32",
            (_, _) => new() { KeepActivationInputs = true }),
        new("channel-sym + smooth 0.5", "as channel-sym, smoothing α 0.5 calibrated on real sentences",
            (_, ranges) => new() { Smoothing = new MatMulSmoothing(ranges(), 0.5) }),
        new("rows", "per-channel symmetric weights, per-row inputs (QuantizeLinear + MatMulIntegerToFloat)",
            (_, _) => new() { Activations = ActivationGranularity.PerRow }),
        Default,
        new("rows + smooth 0.5 (real)", "as rows, smoothing α 0.5 calibrated on real sentences",
            (_, ranges) => new() { Activations = ActivationGranularity.PerRow, Smoothing = new MatMulSmoothing(ranges(), 0.5) }),
        new("rows + smooth 0.7 (real)", "as rows, smoothing α 0.7 calibrated on real sentences",
            (_, ranges) => new() { Activations = ActivationGranularity.PerRow, Smoothing = new MatMulSmoothing(ranges(), 0.7) }),
        new("blocks of 32", "8-bit weights and inputs per block of 32 input channels (MatMulNBits, accuracy level 4)",
            (_, _) => new() { Activations = ActivationGranularity.PerBlock }),
    ];
}

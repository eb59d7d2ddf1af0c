namespace MLNet.Gelu.Bert.Graphs;

/// <summary>
/// SmoothQuant-style smoothing (Xiao et al., 2023) for <see cref="MatMulQuantizationOptions.Smoothing"/>: for each quantized
/// MatMul input X and input channel k, s_k = max|X_k|^α / max|W_k|^(1−α), where max|X_k| comes from <see cref="Ranges"/> and
/// max|W_k| is the largest weight of row k over every quantized MatMul that reads X. The weights' rows are multiplied by s and
/// a <c>Mul</c> by 1/s is inserted on X, so the product is unchanged in exact arithmetic while outlier channels of X move into
/// the weights, which are quantized per output column.
/// </summary>
/// <param name="Ranges">Per-channel maxima of the MatMul inputs, measured on calibration data (<see cref="MatMulInputRanges.Measure"/>).</param>
/// <param name="Alpha">The migration strength α in (0, 1); SmoothQuant's paper uses 0.5 for most models.</param>
public sealed record MatMulSmoothing(MatMulInputRanges Ranges, double Alpha = 0.5)
{
    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Ranges, nameof(Ranges));
        if (!(Alpha > 0 && Alpha < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "The smoothing strength Alpha must lie in (0, 1), for example 0.5.");
        }
    }
}

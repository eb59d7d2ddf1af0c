namespace MLNet.Gelu.Bert.Graphs.Quantization;

/// <summary>SmoothQuant's per-input-channel factors s_k = max|X_k|^α / max|W_k|^(1−α), one set per input tensor.</summary>
internal static class SmoothingFactors
{
    private const float Smallest = 1e-5f, Largest = 1e5f;

    /// <summary>Factors for every input tensor of <paramref name="sites"/> that <paramref name="smoothing"/> has ranges for.</summary>
    public static Dictionary<string, float[]> Compute(IReadOnlyList<MatMulSiteFinder.Candidate> sites, MatMulSmoothing smoothing)
    {
        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var group in sites.GroupBy(s => s.Site.Input, StringComparer.Ordinal))
        {
            if (!smoothing.Ranges.Maxima.TryGetValue(group.Key, out var activation))
            {
                continue;
            }

            int channels = group.First().Site.InputChannels;
            if (activation.Length != channels || group.Any(s => s.Site.InputChannels != channels))
            {
                throw new ArgumentException(
                    $"The calibration ranges of '{group.Key}' have {activation.Length} channels; its MatMuls read {channels}. " +
                    "Measure the ranges on the same model.", nameof(MatMulQuantizationOptions.Smoothing));
            }

            var weight = new float[channels];
            foreach (var site in group)
            {
                int columns = site.Site.OutputChannels;
                for (int k = 0; k < channels; k++)
                {
                    for (int n = 0; n < columns; n++)
                    {
                        weight[k] = Math.Max(weight[k], Math.Abs(site.Weights![k * columns + n]));
                    }
                }
            }

            var factors = new float[channels];
            for (int k = 0; k < channels; k++)
            {
                factors[k] = activation[k] > 0 && weight[k] > 0
                    ? Math.Clamp((float)(Math.Pow(activation[k], smoothing.Alpha) / Math.Pow(weight[k], 1 - smoothing.Alpha)), Smallest, Largest)
                    : 1f;
            }

            result[group.Key] = factors;
        }

        return result;
    }

    /// <summary>W' [k, n] = W[k, n] · s_k (a new array).</summary>
    public static float[] ScaleRows(float[] weights, float[] factors, int columns)
    {
        var scaled = new float[weights.Length];
        for (int k = 0; k < factors.Length; k++)
        {
            for (int n = 0; n < columns; n++)
            {
                scaled[k * columns + n] = weights[k * columns + n] * factors[k];
            }
        }

        return scaled;
    }
}

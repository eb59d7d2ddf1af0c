namespace ActivationExperiments.Statistics;

/// <summary>Median and spread of a few runs: min, first quartile, median, third quartile, max, and how many runs.</summary>
internal sealed record Summary(double Min, double Q1, double Median, double Q3, double Max, int Count)
{
    /// <summary>Summarizes finite values (diverged runs, NaN, are left out and show up as a smaller count).</summary>
    public static Summary Of(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0)
        {
            return new Summary(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 0);
        }

        return new Summary(sorted[0], Quantile(sorted, 0.25), Quantile(sorted, 0.5), Quantile(sorted, 0.75), sorted[^1], sorted.Length);
    }

    /// <summary>Linear interpolation between order statistics (type 7, the default of R and NumPy).</summary>
    public static double Quantile(double[] sorted, double p)
    {
        double position = (sorted.Length - 1) * p;
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }

    public static double MedianOf(IEnumerable<double> values) => Of(values).Median;
}

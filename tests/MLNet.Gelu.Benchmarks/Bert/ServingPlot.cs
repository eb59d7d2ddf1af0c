using ScottPlot;

namespace MLNet.Gelu.Benchmarks.Bert;

/// <summary>The <c>--serving</c> harness's latency-vs-load plot: p50 (solid) and p99 (dashed) per mode against callers, both axes log-scaled.</summary>
internal static class ServingPlot
{
    /// <summary>One measured row: a mode at a number of callers.</summary>
    public sealed record Point(string Mode, int Callers, double P50, double P99, double Throughput);

    /// <summary>Writes the plot as a PNG.</summary>
    public static void Save(IReadOnlyList<Point> points, string title, string path)
    {
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        plot.Title(title);
        plot.XLabel("concurrent callers (log scale)");
        plot.YLabel("latency per text, ms (log scale; solid p50, dashed p99)");
        var palette = new ScottPlot.Palettes.Category10();
        var modes = points.Select(p => p.Mode).Distinct().ToList();
        for (var m = 0; m < modes.Count; m++)
        {
            var rows = points.Where(p => p.Mode == modes[m]).OrderBy(p => p.Callers).ToArray();
            double[] xs = [.. rows.Select(p => Math.Log2(p.Callers))];
            var color = palette.GetColor(m);
            var p50 = plot.Add.ScatterLine(xs, [.. rows.Select(p => Math.Log10(p.P50))]);
            p50.Color = color;
            p50.LineWidth = 2;
            p50.MarkerSize = 6;
            p50.LegendText = modes[m];
            var p99 = plot.Add.ScatterLine(xs, [.. rows.Select(p => Math.Log10(p.P99))]);
            p99.Color = color;
            p99.LinePattern = LinePattern.Dashed;
            p99.MarkerSize = 4;
        }

        var callers = points.Select(p => p.Callers).Distinct().Order().ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. callers.Select(c => new Tick(Math.Log2(c), c.ToString()))]);
        var low = Math.Floor(Math.Log10(points.Min(p => p.P50)));
        var high = Math.Ceiling(Math.Log10(points.Max(p => p.P99)));
        var yTicks = new List<Tick>();
        for (var e = low; e <= high; e++)
        {
            yTicks.Add(new Tick(e, Math.Pow(10, e).ToString("0.###")));
        }

        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. yTicks]);
        plot.Axes.SetLimitsY(low, high);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 1000, 600);
    }
}

using ActivationExperiments.Experiments;
using ActivationExperiments.Statistics;
using ScottPlot;

namespace ActivationExperiments.Reporting;

/// <summary>PNG plots of the results (ScottPlot, headless).</summary>
internal static class Plots
{
    private const int Width = 900;
    private const int Height = 560;

    /// <summary>Median training loss per epoch of each activation's chosen learning rate, log scale.</summary>
    public static void MnistLoss(MnistExperiment.Result mnist, string path, string mode)
    {
        var plot = NewPlot($"MNIST 8 x 128 MLP: median training loss ({mode} run)", "epoch", "training loss (log10)");
        foreach (var group in mnist.Runs.Where(r => !r.Diverged && r.LearningRate == mnist.ChosenLearningRate[r.Activation]).GroupBy(r => r.Activation))
        {
            int epochs = group.Min(r => r.TrainingLoss.Length);
            double[] xs = [.. Enumerable.Range(1, epochs).Select(e => (double)e)];
            double[] ys = [.. Enumerable.Range(0, epochs).Select(e => Math.Log10(Summary.MedianOf(group.Select(r => r.TrainingLoss[e]))))];
            var line = plot.Add.ScatterLine(xs, ys);
            line.LegendText = $"{group.Key} (lr {mnist.ChosenLearningRate[group.Key]:0e0}, {group.Count()} seeds)";
            line.LineWidth = 2;
            if (group.Key == MLNet.Gelu.Activation.GeluTanh)
            {
                // Lies on top of exact GELU: dashed so both stay visible.
                line.LinePattern = LinePattern.Dashed;
            }
        }

        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, Width, Height);
    }

    /// <summary>One column per group: every run as a dot, the median as a bar.</summary>
    public static void Dots(IReadOnlyList<(string Name, IReadOnlyList<double> Values)> groups, string title, string yLabel, string path)
    {
        var plot = NewPlot(title, string.Empty, yLabel);
        var ticks = new List<Tick>();
        for (int g = 0; g < groups.Count; g++)
        {
            var values = groups[g].Values.Where(double.IsFinite).ToArray();
            if (values.Length > 0)
            {
                var dots = plot.Add.ScatterPoints(
                    [.. values.Select((_, i) => g + ((i - ((values.Length - 1) / 2.0)) * 0.06))], values);
                dots.MarkerSize = 7;
                dots.Color = Colors.SteelBlue;
                double median = Summary.MedianOf(values);
                var bar = plot.Add.Line(g - 0.3, median, g + 0.3, median);
                bar.LineWidth = 3;
                bar.Color = Colors.Black;
            }

            ticks.Add(new Tick(g, groups[g].Name));
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        plot.Axes.SetLimitsX(-0.6, groups.Count - 0.4);
        plot.SavePng(path, Width, Height);
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }
}

using MLNet.Gelu;
using ScottPlot;

namespace ActivationsSample;

/// <summary>All six activations on [−4, 3], rendered headless to a PNG with ScottPlot.</summary>
internal static class ActivationPlot
{
    public static void Save(string path)
    {
        float[] x = new float[701];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = -4f + 7f * i / (x.Length - 1);
        }

        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        float[] y = new float[x.Length];
        double[] xs = Array.ConvertAll(x, v => (double)v);
        foreach (Activation activation in Enum.GetValues<Activation>())
        {
            MLNet.Gelu.Activations.Apply(activation, x, y);
            var line = plot.Add.ScatterLine(xs, Array.ConvertAll(y, v => (double)v));
            line.LegendText = activation.ToString();
            line.LineWidth = 2;
            if (activation is Activation.GeluTanh or Activation.GeluSigmoid)
            {
                line.LinePattern = LinePattern.Dashed;
            }
        }

        plot.Title("MLNet.Gelu activations");
        plot.XLabel("x");
        plot.YLabel("f(x)");
        plot.Axes.SetLimits(-4, 3, -1.2, 3.2);
        plot.ShowLegend(Alignment.UpperLeft);

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        plot.SavePng(path, 900, 600);
    }
}

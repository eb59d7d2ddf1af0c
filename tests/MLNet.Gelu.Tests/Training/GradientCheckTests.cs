using MLNet.Gelu.Tests.TestSupport;

namespace MLNet.Gelu.Tests.Training;

/// <summary>
/// The engine's back-propagated gradients (float) against central finite differences of the mean cross-entropy computed
/// by an independent double-precision forward pass.
/// </summary>
public class GradientCheckTests
{
    public static TheoryData<Activation> AllActivations => new(Enum.GetValues<Activation>());

    [Theory]
    [MemberData(nameof(AllActivations))]
    public void Backward_pass_matches_finite_differences(Activation activation) => Check(activation, dropout: 0);

    [Theory]
    [InlineData(Activation.Gelu)]
    [InlineData(Activation.Relu)]
    public void Backward_pass_through_dropout_matches_finite_differences(Activation activation) => Check(activation, dropout: 0.3);

    private static void Check(Activation activation, double dropout)
    {
        int[] sizes = [5, 7, 6, 3];
        const int batch = 4;
        var layers = new MlpLayers(sizes, activation);
        var random = new RandomSource(42);
        WeightInitializer.Initialize(layers, ref random);
        for (int l = 0; l < layers.LayerCount; l++)
        {
            for (int i = 0; i < layers.Biases[l].Length; i++)
            {
                layers.Biases[l][i] = (float)(random.NextDouble() - 0.5);
            }
        }

        float[] x = Enumerable.Range(0, batch * sizes[0]).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
        int[] y = [0, 2, 1, 2];

        var network = new MlpNetwork(layers, batch, dropout, threads: 1);
        network.Forward(x, batch, training: true, ref random);
        double[][]? masks = dropout > 0
            ? Enumerable.Range(0, sizes.Length - 2).Select(h => network.DropoutMask(h, batch).ToArray().Select(v => (double)v).ToArray()).ToArray()
            : null;
        if (masks is not null)
        {
            Assert.Contains(0.0, masks[0]);
            Assert.Contains(masks[0], v => Math.Abs(v - (1 / (1 - dropout))) < 1e-6);
        }

        double engineLoss = network.Backward(x, y, batch, dropoutApplied: dropout > 0) / batch;

        double[][] w = layers.Weights.Select(a => a.Select(v => (double)v).ToArray()).ToArray();
        double[][] b = layers.Biases.Select(a => a.Select(v => (double)v).ToArray()).ToArray();
        Assert.Equal(ReferenceLoss(sizes, activation, w, b, x, y, masks), engineLoss, tolerance: 1e-5);

        const double h = 1e-5;
        int checkedCount = 0;
        for (int l = 0; l < layers.LayerCount; l++)
        {
            foreach (var (parameters, gradient, name) in new[] { (w[l], network.WeightGradients[l], "W"), (b[l], network.BiasGradients[l], "b") })
            {
                for (int i = 0; i < parameters.Length; i++)
                {
                    double saved = parameters[i];
                    parameters[i] = saved + h;
                    double up = ReferenceLoss(sizes, activation, w, b, x, y, masks);
                    parameters[i] = saved - h;
                    double down = ReferenceLoss(sizes, activation, w, b, x, y, masks);
                    parameters[i] = saved;
                    double numeric = (up - down) / (2 * h);
                    double error = Math.Abs(numeric - gradient[i]);
                    Assert.True(error <= 1e-5 + (1e-3 * Math.Abs(numeric)),
                        $"{activation} (dropout {dropout}) layer {l} {name}[{i}]: back-propagation {gradient[i]}, finite difference {numeric} (error {error:g3}).");
                    checkedCount++;
                }
            }
        }

        Assert.Equal((5 * 7) + 7 + (7 * 6) + 6 + (6 * 3) + 3, checkedCount);
    }

    /// <summary>Mean softmax cross-entropy in double precision, written from the formulas with no engine code.</summary>
    private static double ReferenceLoss(int[] sizes, Activation activation, double[][] w, double[][] b, float[] x, int[] y, double[][]? masks)
    {
        double total = 0;
        for (int r = 0; r < y.Length; r++)
        {
            double[] a = x.Skip(r * sizes[0]).Take(sizes[0]).Select(v => (double)v).ToArray();
            for (int l = 0; l < sizes.Length - 1; l++)
            {
                var z = new double[sizes[l + 1]];
                for (int o = 0; o < z.Length; o++)
                {
                    double s = b[l][o];
                    for (int i = 0; i < a.Length; i++)
                    {
                        s += w[l][(o * a.Length) + i] * a[i];
                    }

                    z[o] = l == sizes.Length - 2 ? s : DoubleReference.Value(activation, s) * (masks?[l][(r * z.Length) + o] ?? 1);
                }

                a = z;
            }

            double max = a.Max();
            double sum = a.Sum(v => Math.Exp(v - max));
            total += Math.Log(sum) + max - a[y[r]];
        }

        return total / y.Length;
    }
}


namespace MLNet.Gelu.Tests.Training;

/// <summary>Small data sets and utilities shared by the training tests.</summary>
internal static class TrainingFixtures
{
    public static (float[] Features, int[] Labels) Xor()
        => ([0, 0, 0, 1, 1, 0, 1, 1], [0, 1, 1, 0]);

    /// <summary>Classic interleaved spiral: <paramref name="arms"/> arms of <paramref name="perArm"/> points in 2-D, with angular noise.</summary>
    public static (float[] Features, int[] Labels) Spiral(int arms, int perArm, int seed)
    {
        var rng = new Random(seed);
        var x = new float[arms * perArm * 2];
        var y = new int[arms * perArm];
        for (int arm = 0; arm < arms; arm++)
        {
            for (int i = 0; i < perArm; i++)
            {
                int row = arm * perArm + i;
                double r = (double)i / perArm;
                double t = (arm * 4.0) + (r * 4.0) + (rng.NextDouble() - 0.5) * 0.2;
                x[row * 2] = (float)(r * Math.Sin(t));
                x[row * 2 + 1] = (float)(r * Math.Cos(t));
                y[row] = arm;
            }
        }

        return (x, y);
    }

    public static double Accuracy(MlpModelParameters model, float[] features, int[] labels)
    {
        var p = new float[labels.Length * model.ClassCount];
        model.PredictBatch(features, p);
        int correct = 0;
        for (int r = 0; r < labels.Length; r++)
        {
            var row = p.AsSpan(r * model.ClassCount, model.ClassCount);
            int best = 0;
            for (int c = 1; c < row.Length; c++)
            {
                if (row[c] > row[best])
                {
                    best = c;
                }
            }

            correct += best == labels[r] ? 1 : 0;
        }

        return (double)correct / labels.Length;
    }

    public static float[] AllParameters(MlpModelParameters model)
    {
        var all = new List<float>();
        for (int l = 0; l < model.LayerCount; l++)
        {
            all.AddRange(model.GetWeights(l).ToArray());
            all.AddRange(model.GetBiases(l).ToArray());
        }

        return all.ToArray();
    }

    /// <summary>An <see cref="IProgress{T}"/> that records synchronously (unlike <see cref="Progress{T}"/>, which posts).</summary>
    public sealed class Recorder : IProgress<MlpProgress>
    {
        public List<MlpProgress> Reports { get; } = [];

        public Action<MlpProgress>? OnReport { get; init; }

        public void Report(MlpProgress value)
        {
            Reports.Add(value);
            OnReport?.Invoke(value);
        }
    }
}

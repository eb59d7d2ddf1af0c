namespace MLNet.Gelu.Tests.Activations;

/// <summary>
/// Every activation and derivative against its formula in double (DoubleReference), on every kernel width. Bounds:
/// activations 2e-6 relative where |f| ≥ 1e-4, derivatives 1e-5 relative where |f′| ≥ 1e-4, both 1e-6 absolute
/// elsewhere; ReLU and its derivative exact. <see cref="DerivativeRootTests"/> adds a dense grid through the roots of f′.
/// </summary>
public class ActivationAccuracyTests
{
    private static readonly Lazy<float[]> Grid = new(BuildGrid);

    public static TheoryData<Activation, bool, int> Cases
    {
        get
        {
            var data = new TheoryData<Activation, bool, int>();
            foreach (var activation in Enum.GetValues<Activation>())
            {
                foreach (var path in KernelPaths.Accelerated)
                {
                    data.Add(activation, false, (int)path);
                    data.Add(activation, true, (int)path);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_the_double_formula_within_its_bound(Activation activation, bool derivative, int path)
    {
        float[] x = Grid.Value;
        var y = new float[x.Length];
        KernelPathData.Run(activation, derivative, x, y, (KernelPath)path);

        double relative = derivative ? 1e-5 : 2e-6;
        const double Absolute = 1e-6;
        double worst = 0;
        float worstAt = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double expected = KernelPathData.Reference(activation, derivative, x[i]);
            if (activation == Activation.Relu)
            {
                Assert.Equal((float)expected, y[i]);
                continue;
            }

            double error = Math.Abs(expected) >= 1e-4
                ? Math.Abs(y[i] - expected) / Math.Abs(expected) / relative
                : Math.Abs(y[i] - expected) / Absolute;
            if (error > worst)
            {
                worst = error;
                worstAt = x[i];
            }
        }

        Assert.True(
            worst <= 1,
            $"{activation}{(derivative ? "′" : string.Empty)} on {(KernelPath)path}: error {worst:F3} × its bound at x = {worstAt:R}.");
    }

    private static float[] BuildGrid()
    {
        var x = new List<float>();

        // Every 4999th bit pattern from 0 to 20 and every 997th from 20 to 1e4, both signs.
        for (uint bits = 0; bits <= 0x41A00000u; bits += 4999)
        {
            x.Add(BitConverter.UInt32BitsToSingle(bits));
        }

        for (uint bits = 0x41A00000u; bits <= 0x461C4000u; bits += 997)
        {
            x.Add(BitConverter.UInt32BitsToSingle(bits));
        }

        int positives = x.Count;
        for (int i = 0; i < positives; i++)
        {
            x.Add(-x[i]);
        }

        // A uniform grid with step 1e-4 over [−20, 20].
        for (int i = -200_000; i <= 200_000; i++)
        {
            x.Add(i * 1e-4f);
        }

        return [.. x];
    }
}

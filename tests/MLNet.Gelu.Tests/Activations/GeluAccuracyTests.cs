using MLNet.Gelu.Tests.TestSupport;

namespace MLNet.Gelu.Tests.Activations;

/// <summary>Exact GELU against erfc in double on a dense grid over [−15, 15], on every kernel width.</summary>
public class GeluAccuracyTests
{
    private delegate void SpanAction(ReadOnlySpan<float> x, Span<float> y);

    private const double MaxRelativeError = 4e-7;
    private const double SmallestNormal = 1.2e-38;
    private const double SubnormalUlp = 1.401298464324817e-45;

    private static readonly Lazy<(float[] X, double[] Expected)> Grid = new(BuildGrid);

    [Theory]
    [MemberData(nameof(KernelPathData.Paths), MemberType = typeof(KernelPathData))]
    public void Relative_error_is_below_4e7_wherever_the_result_is_normal(int path)
    {
        var (x, expected) = Grid.Value;
        var y = new float[x.Length];
        ActivationKernels.Apply(Activation.Gelu, x, y, (KernelPath)path);
        AssertWithinBound(x, expected, y, $"{(KernelPath)path}");
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Paths), MemberType = typeof(KernelPathData))]
    public void The_division_formulation_for_machines_without_AVX512_keeps_the_same_bound(int path)
    {
        var (x, expected) = Grid.Value;
        var y = new float[x.Length];
        ActivationDriver.Apply<GeluDivisionOperator>(x, y, (KernelPath)path);
        AssertWithinBound(x, expected, y, $"the division formulation on {(KernelPath)path}");
    }

    private static void AssertWithinBound(float[] x, double[] expected, float[] y, string label)
    {
        double worst = 0;
        float worstAt = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (Math.Abs(expected[i]) < SmallestNormal)
            {
                // Subnormal results: the relative bound plus the rounding to the subnormal grid.
                Assert.True(
                    Math.Abs(y[i] - expected[i]) <= (MaxRelativeError * Math.Abs(expected[i])) + SubnormalUlp,
                    $"GELU({x[i]:R}) = {y[i]:R}, expected {expected[i]:R} (subnormal, {label}).");
                continue;
            }

            double error = Math.Abs(y[i] - expected[i]) / Math.Abs(expected[i]);
            if (error > worst)
            {
                worst = error;
                worstAt = x[i];
            }
        }

        Assert.True(worst <= MaxRelativeError, $"Max relative error {worst:E3} at x = {worstAt:R} on {label}.");
    }

    [Fact]
    public void The_grid_reaches_the_negative_tail_where_results_are_still_normal()
    {
        var (x, expected) = Grid.Value;
        float deepest = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] < deepest && Math.Abs(expected[i]) >= SmallestNormal)
            {
                deepest = x[i];
            }
        }

        Assert.InRange(deepest, -13.5f, -12.9f);
    }

    [Fact]
    public void Every_float_in_the_region_of_the_worst_errors_is_within_4e7()
    {
        // Every float in [−12.75, −12.25]: the lookup formulation's largest errors (2.3e-7 at −12.49; every float in
        // [−13.5, −2^-20] and [2^-20, 15] was checked once) lie here, and a strided grid can step over a single float.
        AssertEveryFloatWithinBound(0xC1440000u, 0xC14C0000u, (x, y) => MLNet.Gelu.Activations.Apply(Activation.Gelu, x, y));
    }

    [Fact]
    public void Every_float_in_the_region_of_the_division_formulations_worst_errors_is_within_4e7()
    {
        // Every float in [−0.25, −2^-7]: the division formulation's largest errors (3.9e-7, from t = 1/(1 + 0.4·|x|) used
        // as rounded) lie here.
        AssertEveryFloatWithinBound(0xBC000000u, 0xBE800000u, (x, y) => ActivationDriver.Apply<GeluDivisionOperator>(x, y));
    }

    private static void AssertEveryFloatWithinBound(uint first, uint last, SpanAction apply)
    {
        const int chunk = 1 << 20;
        var x = new float[chunk];
        var y = new float[chunk];
        double worst = 0;
        float worstAt = 0;
        for (uint start = first; start <= last; start += chunk)
        {
            int n = (int)Math.Min(chunk, last - start + 1);
            for (int i = 0; i < n; i++)
            {
                x[i] = BitConverter.UInt32BitsToSingle(start + (uint)i);
            }

            apply(x.AsSpan(0, n), y.AsSpan(0, n));
            for (int i = 0; i < n; i++)
            {
                double expected = DoubleReference.Value(Activation.Gelu, x[i]);
                double error = Math.Abs(y[i] - expected) / Math.Abs(expected);
                if (error > worst)
                {
                    worst = error;
                    worstAt = x[i];
                }
            }
        }

        Assert.True(worst <= MaxRelativeError, $"Max relative error {worst:E3} at x = {worstAt:R}.");
    }

    private static (float[] X, double[] Expected) BuildGrid()
    {
        var x = new List<float>();

        // Every 997th float bit pattern from 0 to 15, both signs: all binades down to the subnormals.
        for (uint bits = 0; bits <= 0x41700000u; bits += 997)
        {
            float value = BitConverter.UInt32BitsToSingle(bits);
            x.Add(value);
            x.Add(-value);
        }

        // A uniform grid with step 2e-5 over [−15, 15].
        for (int i = -750_000; i <= 750_000; i++)
        {
            x.Add(i * 2e-5f);
        }

        float[] xs = [.. x];
        var expected = new double[xs.Length];
        for (int i = 0; i < xs.Length; i++)
        {
            expected[i] = DoubleReference.Value(Activation.Gelu, xs[i]);
        }

        return (xs, expected);
    }
}

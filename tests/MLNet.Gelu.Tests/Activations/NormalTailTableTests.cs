using MLNet.Gelu.Tests.TestSupport;

namespace MLNet.Gelu.Tests.Activations;

/// <summary>
/// The interval polynomials exact GELU uses on AVX-512 (<see cref="NormalTailTable"/>): each against the scaled tail
/// Q(a)·e^(a²/2) in double, and GELU on both sides of every interval boundary a = j/2 + ¼ on every kernel width.
/// </summary>
public class NormalTailTableTests
{
    private const int Intervals = 31;

    [Fact]
    public void Every_interval_polynomial_is_within_1_5e7_of_the_scaled_tail()
    {
        double worst = 0;
        float worstAt = 0;
        for (int i = 0; i <= 152_500; i++)
        {
            float a = i * 1e-4f;
            double expected = DoubleReference.UpperTail(a) * Math.Exp(0.5 * a * a);
            double error = Math.Abs(NormalTailTable.Evaluate(a) - expected) / expected;
            if (error > worst)
            {
                worst = error;
                worstAt = a;
            }
        }

        // 7.5e-8 from the fit plus the roundings of the Horner steps (1.18e-7 measured, at a = 0.7177).
        Assert.True(worst <= 1.5e-7, $"Largest relative error {worst:E3} at a = {worstAt:R}.");
        Assert.Equal(0.5f, NormalTailTable.Evaluate(0f));
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Paths), MemberType = typeof(KernelPathData))]
    public void Gelu_around_every_interval_boundary_is_within_4e7_and_the_same_on_every_path(int path)
    {
        float[] x = BoundaryPoints();
        var y = new float[x.Length];
        var scalar = new float[x.Length];
        ActivationKernels.Apply(Activation.Gelu, x, y, (KernelPath)path);
        ActivationKernels.Apply(Activation.Gelu, x, scalar, KernelPath.Scalar);
        for (int i = 0; i < x.Length; i++)
        {
            double expected = DoubleReference.Value(Activation.Gelu, x[i]);
            double error = Math.Abs(y[i] - expected);
            double bound = (4e-7 * Math.Abs(expected)) + (Math.Abs(expected) < 1.2e-38 ? 1.401298464324817e-45 : 0); // subnormal: plus their rounding
            Assert.True(error <= bound, $"GELU({x[i]:R}) = {y[i]:R}, expected {expected:R} (error {error:E3}) on {(KernelPath)path}.");
            Assert.Equal(BitConverter.SingleToInt32Bits(scalar[i]), BitConverter.SingleToInt32Bits(y[i]));
        }
    }

    /// <summary>±(j/2 + ¼) for every interval, its eight nearest floats on each side, and the interval centres.</summary>
    private static float[] BoundaryPoints()
    {
        var points = new List<float>();
        for (int j = 0; j < Intervals; j++)
        {
            float centre = j * 0.5f;
            points.Add(centre);
            points.Add(-centre);
            float below = centre + 0.25f;
            float above = centre + 0.25f;
            for (int step = 0; step <= 8; step++)
            {
                points.AddRange([below, -below, above, -above]);
                below = MathF.BitDecrement(below);
                above = MathF.BitIncrement(above);
            }
        }

        return [.. points];
    }
}

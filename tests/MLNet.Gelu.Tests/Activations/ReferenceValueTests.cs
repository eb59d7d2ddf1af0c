using MLNet.Gelu.Tests.TestSupport;

namespace MLNet.Gelu.Tests.Activations;

/// <summary>The reference values at −3, −1, 0, 1, 3, through the public API.</summary>
public class ReferenceValueTests
{
    [Theory]
    [InlineData(Activation.Gelu, -3f, -0.0040497)]
    [InlineData(Activation.Gelu, -1f, -0.1586553)]
    [InlineData(Activation.Gelu, 0f, 0.0)]
    [InlineData(Activation.Gelu, 1f, 0.8413447)]
    [InlineData(Activation.Gelu, 3f, 2.9959503)]
    [InlineData(Activation.GeluTanh, -3f, -0.0036374)]
    [InlineData(Activation.GeluTanh, -1f, -0.1588080)]
    [InlineData(Activation.GeluTanh, 0f, 0.0)]
    [InlineData(Activation.GeluTanh, 1f, 0.8411920)]
    [InlineData(Activation.GeluTanh, 3f, 2.9963626)]
    public void Matches_the_published_seven_digit_values(Activation activation, float x, double expected)
    {
        // The published values are rounded to 7 decimals (±5e-8); the kernel adds its own relative error.
        float y = Apply(activation, x);
        Assert.InRange(y, expected - (5e-8 + (2e-6 * Math.Abs(expected))), expected + 5e-8 + (2e-6 * Math.Abs(expected)));
    }

    [Fact]
    public void Gelu_of_minus_ten_is_minus_7_62e_minus_23()
    {
        float y = Apply(Activation.Gelu, -10f);
        Assert.InRange(y, -7.625e-23f, -7.615e-23f);
        Assert.Equal(DoubleReference.Value(Activation.Gelu, -10), y, 4e-7 * 7.62e-23);
    }

    [Fact]
    public void Gelu_has_its_minimum_at_minus_0_7517915()
    {
        const float xMin = -0.7517915f;
        Assert.InRange(Apply(Activation.Gelu, xMin), -0.1699712 - 1.2e-7, -0.1699712 + 1.2e-7);
        Assert.InRange(Derivative(Activation.Gelu, xMin), -1e-6f, 1e-6f);
        Assert.True(Derivative(Activation.Gelu, xMin - 1e-3f) < 0);
        Assert.True(Derivative(Activation.Gelu, xMin + 1e-3f) > 0);
        foreach (float step in new[] { 1e-3f, 1e-2f, 0.1f })
        {
            Assert.True(Apply(Activation.Gelu, xMin - step) > Apply(Activation.Gelu, xMin));
            Assert.True(Apply(Activation.Gelu, xMin + step) > Apply(Activation.Gelu, xMin));
        }
    }

    [Theory]
    [InlineData(Activation.GeluTanh, false, 4.73e-4, 0.005e-4)]
    [InlineData(Activation.GeluTanh, true, 8.7e-4, 0.05e-4)]
    [InlineData(Activation.GeluSigmoid, false, 2.03e-2, 0.005e-2)]
    public void Largest_gap_to_exact_gelu_matches_design(Activation approximation, bool derivative, double expected, double halfLastDigit)
    {
        var x = new float[200_001];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (i - 100_000) * 1e-4f;
        }

        var exact = new float[x.Length];
        var approximate = new float[x.Length];
        if (derivative)
        {
            MLNet.Gelu.Activations.Derivative(Activation.Gelu, x, exact);
            MLNet.Gelu.Activations.Derivative(approximation, x, approximate);
        }
        else
        {
            MLNet.Gelu.Activations.Apply(Activation.Gelu, x, exact);
            MLNet.Gelu.Activations.Apply(approximation, x, approximate);
        }

        double gap = 0;
        for (int i = 0; i < x.Length; i++)
        {
            gap = Math.Max(gap, Math.Abs(approximate[i] - exact[i]));
        }

        // The design quotes the gap to its leading digits.
        Assert.InRange(gap, expected - halfLastDigit, expected + halfLastDigit);
    }

    private static float Apply(Activation activation, float x)
    {
        var y = new float[1];
        MLNet.Gelu.Activations.Apply(activation, [x], y);
        return y[0];
    }

    private static float Derivative(Activation activation, float x)
    {
        var y = new float[1];
        MLNet.Gelu.Activations.Derivative(activation, [x], y);
        return y[0];
    }
}

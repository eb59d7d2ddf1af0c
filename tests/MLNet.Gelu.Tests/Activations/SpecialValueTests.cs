namespace MLNet.Gelu.Tests.Activations;

/// <summary>The special values (NaN, ±∞, ±0, the tails) of every activation, on every kernel width.</summary>
public class SpecialValueTests
{
    private const float Max = float.MaxValue;
    private const float Subnormal = 1.5e-40f;
    private static readonly float SmallestSubnormal = float.Epsilon;

    // (activation, derivative, input, expected); ±0 and NaN are compared exactly (sign and NaN-ness).
    public static TheoryData<Activation, bool, float, float> Cases => new()
    {
        // Exact GELU.
        { Activation.Gelu, false, float.NaN, float.NaN },
        { Activation.Gelu, false, float.PositiveInfinity, float.PositiveInfinity },
        { Activation.Gelu, false, float.NegativeInfinity, -0f },
        { Activation.Gelu, false, -0f, -0f },
        { Activation.Gelu, false, 0f, 0f },
        { Activation.Gelu, false, Max, Max },
        { Activation.Gelu, false, -Max, -0f },
        { Activation.Gelu, false, -20f, -0f },
        { Activation.Gelu, false, 20f, 20f },
        { Activation.Gelu, true, float.NaN, float.NaN },
        { Activation.Gelu, true, float.PositiveInfinity, 1f },
        { Activation.Gelu, true, float.NegativeInfinity, 0f },
        { Activation.Gelu, true, 0f, 0.5f },
        { Activation.Gelu, true, -0f, 0.5f },
        { Activation.Gelu, true, Max, 1f },
        { Activation.Gelu, true, -Max, 0f },

        // Tanh and sigmoid GELU, SiLU.
        { Activation.GeluTanh, false, float.NaN, float.NaN },
        { Activation.GeluTanh, false, float.PositiveInfinity, float.PositiveInfinity },
        { Activation.GeluTanh, false, float.NegativeInfinity, -0f },
        { Activation.GeluTanh, false, -0f, -0f },
        { Activation.GeluTanh, false, Max, Max },
        { Activation.GeluTanh, false, -Max, -0f },
        { Activation.GeluTanh, true, float.NaN, float.NaN },
        { Activation.GeluTanh, true, float.PositiveInfinity, 1f },
        { Activation.GeluTanh, true, float.NegativeInfinity, 0f },
        { Activation.GeluTanh, true, -0f, 0.5f },
        { Activation.GeluTanh, true, Max, 1f },
        { Activation.GeluTanh, true, -Max, 0f },
        { Activation.GeluSigmoid, false, float.NaN, float.NaN },
        { Activation.GeluSigmoid, false, float.PositiveInfinity, float.PositiveInfinity },
        { Activation.GeluSigmoid, false, float.NegativeInfinity, -0f },
        { Activation.GeluSigmoid, false, -0f, -0f },
        { Activation.GeluSigmoid, false, Max, Max },
        { Activation.GeluSigmoid, false, -Max, -0f },
        { Activation.GeluSigmoid, true, float.NaN, float.NaN },
        { Activation.GeluSigmoid, true, float.PositiveInfinity, 1f },
        { Activation.GeluSigmoid, true, float.NegativeInfinity, 0f },
        { Activation.GeluSigmoid, true, 0f, 0.5f },
        { Activation.Silu, false, float.NaN, float.NaN },
        { Activation.Silu, false, float.PositiveInfinity, float.PositiveInfinity },
        { Activation.Silu, false, float.NegativeInfinity, -0f },
        { Activation.Silu, false, -0f, -0f },
        { Activation.Silu, false, Max, Max },
        { Activation.Silu, false, -Max, -0f },
        { Activation.Silu, true, float.NaN, float.NaN },
        { Activation.Silu, true, float.PositiveInfinity, 1f },
        { Activation.Silu, true, float.NegativeInfinity, 0f },
        { Activation.Silu, true, -0f, 0.5f },
        { Activation.Silu, true, -Max, 0f },

        // ELU.
        { Activation.Elu, false, float.NaN, float.NaN },
        { Activation.Elu, false, float.PositiveInfinity, float.PositiveInfinity },
        { Activation.Elu, false, float.NegativeInfinity, -1f },
        { Activation.Elu, false, -0f, -0f },
        { Activation.Elu, false, 0f, 0f },
        { Activation.Elu, false, Max, Max },
        { Activation.Elu, false, -Max, -1f },
        { Activation.Elu, false, -Subnormal, -Subnormal },
        { Activation.Elu, false, -1e-30f, -1e-30f },
        { Activation.Elu, true, float.NaN, float.NaN },
        { Activation.Elu, true, float.PositiveInfinity, 1f },
        { Activation.Elu, true, float.NegativeInfinity, 0f },
        { Activation.Elu, true, 0f, 1f },
        { Activation.Elu, true, -0f, 1f },
        { Activation.Elu, true, -Max, 0f },

        // ReLU.
        { Activation.Relu, false, float.NaN, float.NaN },
        { Activation.Relu, false, float.PositiveInfinity, float.PositiveInfinity },
        { Activation.Relu, false, float.NegativeInfinity, 0f },
        { Activation.Relu, false, -0f, -0f },
        { Activation.Relu, false, Subnormal, Subnormal },
        { Activation.Relu, false, -Subnormal, 0f },
        { Activation.Relu, false, Max, Max },
        { Activation.Relu, true, float.NaN, float.NaN },
        { Activation.Relu, true, float.PositiveInfinity, 1f },
        { Activation.Relu, true, float.NegativeInfinity, 0f },
        { Activation.Relu, true, 0f, 0f },
        { Activation.Relu, true, -0f, 0f },
        { Activation.Relu, true, Subnormal, 1f },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Special_value_on_every_path(Activation activation, bool derivative, float x, float expected)
    {
        foreach (var path in KernelPaths.Accelerated)
        {
            float actual = Evaluate(activation, derivative, x, path);
            string what = $"{activation}{(derivative ? "′" : string.Empty)}({x:R}) on {path}";
            if (float.IsNaN(expected))
            {
                Assert.True(float.IsNaN(actual), $"{what} = {actual:R}, expected NaN.");
            }
            else if (expected == 0 && !derivative)
            {
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual), $"{what} = {actual:R}, expected {(float.IsNegative(expected) ? "-0" : "+0")}.");
            }
            else
            {
                Assert.True(expected == actual, $"{what} = {actual:R}, expected {expected:R}.");
            }
        }
    }

    [Theory]
    [InlineData(Activation.Gelu)]
    [InlineData(Activation.GeluTanh)]
    [InlineData(Activation.GeluSigmoid)]
    [InlineData(Activation.Silu)]
    public void Gelu_forms_halve_subnormals(Activation activation)
    {
        float[] inputs = [SmallestSubnormal, 3 * SmallestSubnormal, Subnormal, 1.1e-38f, -SmallestSubnormal, -3 * SmallestSubnormal, -Subnormal, -1.1e-38f];
        foreach (var path in KernelPaths.Accelerated)
        {
            foreach (float d in inputs)
            {
                float expected = d * 0.5f;
                float actual = Evaluate(activation, false, d, path);
                Assert.True(
                    BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual),
                    $"{activation}({d:R}) on {path} = {actual:R}, expected {expected:R}.");
            }
        }
    }

    private static float Evaluate(Activation activation, bool derivative, float x, KernelPath path)
    {
        // A full vector of the same value, so the lane is computed by the main loop, not the padded tail.
        var input = new float[16];
        Array.Fill(input, x);
        var output = new float[16];
        KernelPathData.Run(activation, derivative, input, output, path);
        Assert.All(output, v => Assert.Equal(BitConverter.SingleToInt32Bits(output[0]), BitConverter.SingleToInt32Bits(v)));
        return output[0];
    }
}

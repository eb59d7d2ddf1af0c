namespace MLNet.Gelu.Tests.Activations;

/// <summary>Lengths, vector tails, in-place use, untouched memory past the end, and argument validation.</summary>
public class SpanHandlingTests
{
    private const float Sentinel = 12345.678f;
    private static readonly int[] Lengths = [.. Enumerable.Range(0, 257), (6 * 512) + 7];

    [Theory]
    [MemberData(nameof(KernelPathData.ActivationsAndDerivatives), MemberType = typeof(KernelPathData))]
    public void Every_length_and_path_matches_the_scalar_operator_bit_for_bit(Activation activation, bool derivative)
    {
        float[] input = Inputs((6 * 512) + 7);
        var expected = new float[input.Length];
        KernelPathData.Run(activation, derivative, input, expected, KernelPath.Scalar);

        foreach (var path in KernelPaths.Accelerated)
        {
            foreach (int length in Lengths)
            {
                // Out of place, into a longer destination whose extra elements must stay untouched.
                var destination = new float[length + 33];
                Array.Fill(destination, Sentinel);
                KernelPathData.Run(activation, derivative, input.AsSpan(0, length), destination.AsSpan(0, length), path);
                AssertSameBits(expected.AsSpan(0, length), destination.AsSpan(0, length), activation, path, length, "out of place");
                Assert.All(destination.Skip(length), v => Assert.Equal(Sentinel, v));

                // In place, inside a larger buffer whose neighbours must stay untouched.
                var buffer = new float[length + 66];
                Array.Fill(buffer, Sentinel);
                input.AsSpan(0, length).CopyTo(buffer.AsSpan(33));
                var span = buffer.AsSpan(33, length);
                KernelPathData.Run(activation, derivative, span, span, path);
                AssertSameBits(expected.AsSpan(0, length), span, activation, path, length, "in place");
                Assert.All(buffer.Take(33).Concat(buffer.Skip(33 + length)), v => Assert.Equal(Sentinel, v));
            }
        }
    }

    [Theory]
    [MemberData(nameof(KernelPathData.ActivationsAndDerivatives), MemberType = typeof(KernelPathData))]
    public void Public_api_agrees_with_the_kernels_and_leaves_the_rest_of_the_destination(Activation activation, bool derivative)
    {
        float[] input = Inputs(1000);
        var expected = new float[input.Length];
        KernelPathData.Run(activation, derivative, input, expected, KernelPath.Scalar);
        var destination = new float[input.Length + 5];
        Array.Fill(destination, Sentinel);
        if (derivative)
        {
            MLNet.Gelu.Activations.Derivative(activation, input, destination);
        }
        else
        {
            MLNet.Gelu.Activations.Apply(activation, input, destination);
        }

        AssertSameBits(expected, destination.AsSpan(0, input.Length), activation, KernelPath.Scalar, input.Length, "public API");
        Assert.All(destination.Skip(input.Length), v => Assert.Equal(Sentinel, v));
    }

    [Fact]
    public void Short_destination_is_rejected_with_both_lengths()
    {
        var ex = Assert.Throws<ArgumentException>(() => MLNet.Gelu.Activations.Apply(Activation.Gelu, new float[10], new float[9]));
        Assert.Equal("destination", ex.ParamName);
        Assert.Contains("too short", ex.Message);
        Assert.Contains("9", ex.Message);
        Assert.Contains("10", ex.Message);
        Assert.Throws<ArgumentException>(() => MLNet.Gelu.Activations.Derivative(Activation.Relu, new float[3], new float[2]));
    }

    [Fact]
    public void Partial_overlap_is_rejected_and_in_place_is_accepted()
    {
        var buffer = new float[100];
        var ex = Assert.Throws<ArgumentException>(() => MLNet.Gelu.Activations.Apply(Activation.Gelu, buffer.AsSpan(0, 50), buffer.AsSpan(10, 50)));
        Assert.Contains("overlap", ex.Message);
        Assert.Throws<ArgumentException>(() => MLNet.Gelu.Activations.Derivative(Activation.Gelu, buffer.AsSpan(10, 50), buffer.AsSpan(0, 60)));
        MLNet.Gelu.Activations.Apply(Activation.Gelu, buffer.AsSpan(0, 50), buffer.AsSpan(0, 50));
        MLNet.Gelu.Activations.Apply(Activation.Gelu, buffer.AsSpan(0, 50), buffer.AsSpan(0, 100));
    }

    [Fact]
    public void Undefined_activation_is_rejected_by_value()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => MLNet.Gelu.Activations.Apply((Activation)99, new float[4], new float[4]));
        Assert.Contains("99", ex.Message);
        Assert.Contains("GeluTanh", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => MLNet.Gelu.Activations.Derivative((Activation)(-1), [], []));
    }

    /// <summary>Values across the interesting range plus special values at positions that land in tails.</summary>
    internal static float[] Inputs(int length)
    {
        var random = new Random(20240611);
        var x = new float[length];
        for (int i = 0; i < length; i++)
        {
            x[i] = (float)((random.NextDouble() * 30) - 15);
        }

        float[] specials = [float.NaN, float.NegativeInfinity, float.PositiveInfinity, -0f, 1e-40f, -1e-40f, float.MaxValue, -float.MaxValue, -12.5f];
        for (int i = 0; i < specials.Length; i++)
        {
            int at = ((i * 37) + 5) % Math.Max(1, length);
            if (at < length)
            {
                x[at] = specials[i];
            }
        }

        return x;
    }

    private static void AssertSameBits(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, Activation activation, KernelPath path, int length, string how)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            bool same = BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i])
                || (float.IsNaN(expected[i]) && float.IsNaN(actual[i]));
            Assert.True(same, $"{activation} {how} on {path}, length {length}, index {i}: {actual[i]:R}, scalar gives {expected[i]:R}.");
        }
    }
}

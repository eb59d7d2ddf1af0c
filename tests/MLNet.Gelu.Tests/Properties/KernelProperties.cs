using CsCheck;
using MLNet.Gelu.Tests.Activations;
using MLNet.Gelu.Tests.TestSupport;

namespace MLNet.Gelu.Tests.Properties;

/// <summary>
/// Every activation kernel and derivative, on every kernel width this machine runs, over random spans of any length and
/// offset mixing ordinary values with NaN, ±∞, ±0, subnormals and ±float.MaxValue: each output is NaN exactly when its
/// input is, an infinite input gives the function's limit, and a finite input lies within the accuracy tests' bound of
/// the double-precision formula (2e-6 relative for values, 1e-5 for derivatives, 1e-6 absolute near zero; ReLU exact),
/// whatever its neighbours — and in place gives what out of place gives.
/// </summary>
public class KernelProperties
{
    /// <summary>Ordinary values around the interesting range, far tails, and every special value, in one mix.</summary>
    private static readonly Gen<float> Value = Gen.Frequency(
        (10, Gen.Float[-12f, 12f]),
        (2, Gen.Float[-1e-3f, 1e-3f]),
        (2, Gen.Float[-1e6f, 1e6f]),
        (2, Gen.Float),                                   // CsCheck's floats over every exponent
        (3, Gen.OneOf<float>(float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f,
            float.Epsilon, -float.Epsilon, 1.5e-40f, -1.5e-40f, float.MaxValue, -float.MaxValue, float.MinValue)));

    /// <summary>A span of 0–300 values at an offset of 0–17 in a larger array (so every alignment and tail length occurs).</summary>
    private static readonly Gen<(float[] Buffer, int Offset, int Length)> Span =
        Gen.Select(Value.Array[0, 300], Gen.Int[0, 17]).Select((values, offset) =>
        {
            var buffer = new float[offset + values.Length + 5];
            values.CopyTo(buffer, offset);
            return (buffer, offset, values.Length);
        });

    [Theory]
    [MemberData(nameof(KernelPathData.ActivationsAndDerivatives), MemberType = typeof(KernelPathData))]
    public void Every_output_is_the_formula_within_its_bound_on_every_path(Activation activation, bool derivative)
    {
        Span.Sample(sample =>
        {
            var (buffer, offset, length) = sample;
            var x = buffer.AsSpan(offset, length);
            foreach (var path in KernelPaths.Accelerated)
            {
                var y = new float[length];
                KernelPathData.Run(activation, derivative, x, y, path);
                for (var i = 0; i < length; i++)
                {
                    AssertClose(activation, derivative, x[i], y[i], path, i);
                }

                // In place: the same values.
                var inPlace = x.ToArray();
                KernelPathData.Run(activation, derivative, inPlace, inPlace, path);
                Assert.True(inPlace.AsSpan().SequenceEqual(y), $"{path}: in place differs from out of place");
            }
        }, iter: 300, print: s => $"[{string.Join(", ", s.Buffer.Skip(s.Offset).Take(s.Length).Select(v => v.ToString("R")))}] at offset {s.Offset}");
    }

    private static void AssertClose(Activation activation, bool derivative, float x, float y, KernelPath path, int index)
    {
        var where = $"{activation}{(derivative ? "'" : string.Empty)}({x:R}) at {index} on {path} gave {y:R}";
        if (float.IsNaN(x))
        {
            Assert.True(float.IsNaN(y), where);
            return;
        }

        Assert.False(float.IsNaN(y), where);
        double expected = float.IsInfinity(x) ? Limit(activation, derivative, x > 0) : KernelReference(activation, derivative, x);
        if (double.IsInfinity(expected) || activation == Activation.Relu || float.IsInfinity(x))
        {
            // Limits and ReLU are exact (the sign of a zero is pinned by SpecialValueTests).
            Assert.True((float)expected == y, $"{where}; expected {expected:R}");
            return;
        }

        double relative = derivative ? 1e-5 : 2e-6;
        double error = Math.Abs(expected) >= 1e-4 ? Math.Abs(y - expected) / Math.Abs(expected) / relative : Math.Abs(y - expected) / 1e-6;
        Assert.True(error <= 1, $"{where}; expected {expected:R} (error {error:F2} × the bound)");
    }

    /// <summary>The double formula; for huge |x| where the formula itself overflows to NaN, its limit.</summary>
    private static double KernelReference(Activation activation, bool derivative, double x)
    {
        var value = derivative ? DoubleReference.Derivative(activation, x) : DoubleReference.Value(activation, x);
        return double.IsNaN(value) ? Limit(activation, derivative, x > 0) : value;
    }

    /// <summary>f(±∞) and f′(±∞): every function here tends to x on the right; to 0 on the left (ELU to −1).</summary>
    private static double Limit(Activation activation, bool derivative, bool positive) => (derivative, positive) switch
    {
        (false, true) => double.PositiveInfinity,
        (false, false) => activation == Activation.Elu ? -1 : 0,
        (true, true) => 1,
        (true, false) => 0,
    };
}

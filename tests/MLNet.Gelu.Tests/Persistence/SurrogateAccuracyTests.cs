using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Persistence;
using MLNet.Gelu.Tests.TestSupport;

namespace MLNet.Gelu.Tests.Persistence;

/// <summary>The built-in Expression transforms a model is saved as must compute the same function as the native kernel.</summary>
public sealed class SurrogateAccuracyTests
{
    private sealed class Value
    {
        public float X { get; set; }
    }

    public static TheoryData<Activation> AllActivations() => [.. Enum.GetValues<Activation>()];

    private static (float[] Inputs, float[] Outputs) RunSurrogate(Activation activation)
    {
        var ml = new MLContext(seed: 1);
        float[] grid = ActivationTestData.Grid();
        var data = ml.Data.LoadFromEnumerable(grid.Select(x => new Value { X = x }));
        var surrogate = ActivationSurrogate.Create(activation, [new InputOutputColumnPair("Y", "X")], [false]);
        var outputs = surrogate.Transform(data).GetColumn<float>("Y").ToArray();
        return (grid, outputs);
    }

    [Theory]
    [MemberData(nameof(AllActivations))]
    public void MatchesTheDoubleReferenceWithin2e7(Activation activation)
    {
        var (x, y) = RunSurrogate(activation);
        for (int i = 0; i < x.Length; i++)
        {
            if (float.IsFinite(x[i]))
            {
                double reference = DoubleReference.Value(activation, x[i]);
                DataViewValues.AssertFloat((float)reference, y[i], 2e-7, $"{activation}({x[i]:R})");
            }
        }
    }

    /// <summary>
    /// Finite inputs: within 1e‑6 relative or 1e‑6 absolute (the kernels of the approximations are bounded at 2e‑6
    /// relative to their formula, so far in the tails the two differ by more than 1e‑6 relative, by less than 1e‑12).
    /// The special values are checked against the design in <see cref="GivesTheSpecialValues"/>.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllActivations))]
    public void MatchesTheNativeKernelWithin1e6(Activation activation)
    {
        var (x, y) = RunSurrogate(activation);
        var native = new float[x.Length];
        global::MLNet.Gelu.Activations.Apply(activation, x, native);
        for (int i = 0; i < x.Length; i++)
        {
            if (float.IsFinite(x[i]))
            {
                DataViewValues.AssertFloat(native[i], y[i], 1e-6, $"{activation}({x[i]:R})", absoluteFloor: 1e-6);
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllActivations))]
    public void GivesTheSpecialValues(Activation activation)
    {
        var (x, y) = RunSurrogate(activation);
        float At(float input) => y[Array.FindLastIndex(x, v => v.Equals(input))];

        Assert.True(float.IsNaN(At(float.NaN)), $"{activation}(NaN) must be NaN.");
        Assert.Equal(float.PositiveInfinity, At(float.PositiveInfinity));
        float negativeInfinity = At(float.NegativeInfinity);
        Assert.Equal(activation == Activation.Elu ? -1f : 0f, negativeInfinity);
        Assert.Equal(0f, At(0f));
        Assert.Equal(3.4e38f, At(3.4e38f));
    }

    [Theory]
    [InlineData(-10.0, -7.62e-23)]
    [InlineData(-3.0, -0.0040497)]
    [InlineData(-1.0, -0.1586553)]
    [InlineData(1.0, 0.8413447)]
    [InlineData(3.0, 2.9959503)]
    [InlineData(-0.7517915, -0.1699712)]
    public void TheIndependentReferenceGivesTheDesignValues(double x, double gelu) =>
        Assert.Equal(gelu, DoubleReference.Value(Activation.Gelu, x), Math.Abs(gelu) < 1e-20 ? 5e-26 : 6e-8); // the design gives 7 decimals (3 digits at −10)

    [Fact]
    public void SurrogateKeepsSparseVectorsSparse()
    {
        var ml = new MLContext(seed: 1);
        var data = ActivationTestData.Create(ml);
        var surrogate = ActivationSurrogate.Create(Activation.Gelu, [new InputOutputColumnPair("Out", "Sparse")], [true]);
        var output = surrogate.Transform(data);
        Assert.Equal(data.Schema["Sparse"].Type, output.Schema["Out"].Type);
        using var cursor = output.GetRowCursor([output.Schema["Out"]]);
        var getter = cursor.GetGetter<VBuffer<float>>(output.Schema["Out"]);
        var value = default(VBuffer<float>);
        while (cursor.MoveNext())
        {
            getter(ref value);
            Assert.False(value.IsDense);
        }
    }
}

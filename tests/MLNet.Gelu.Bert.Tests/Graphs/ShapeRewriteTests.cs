using Google.Protobuf;
using MLNet.Gelu.Bert.Graphs;
using Xunit.Abstractions;

namespace MLNet.Gelu.Bert.Tests.Graphs;

/// <summary>Every source shape is found, and rewritten to every target in every op style computes the target in ONNX Runtime.</summary>
public class ShapeRewriteTests(ITestOutputHelper output)
{
    public static TheoryData<string> Shapes() => new(ActivationShapes.All.Select(s => s.Name));

    public static TheoryData<string, Activation, ActivationOpStyle> Rewrites()
    {
        var data = new TheoryData<string, Activation, ActivationOpStyle>();
        foreach (var shape in ActivationShapes.All)
        {
            foreach (var target in Enum.GetValues<Activation>())
            {
                foreach (var style in Enum.GetValues<ActivationOpStyle>())
                {
                    data.Add(shape.Name, target, style);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Inspector_finds_the_shape_with_its_kind_form_and_bias(string name)
    {
        var shape = ShapeHarness.Shape(name);
        var report = ActivationGraphInspector.Find(ShapeHarness.Build(shape));

        var site = Assert.Single(report.Sites);
        Assert.Empty(report.Unrecognized);
        Assert.Equal(shape.Kind, site.Kind);
        Assert.Equal(shape.Form, site.Form);
        Assert.Equal("y", site.Output);
        Assert.Equal(shape.HasBias ? "b" : null, site.Bias);
        Assert.Equal(shape.HasBias ? "MatMul" : "x", site.Input.StartsWith('t') ? "MatMul" : site.Input);
        Assert.Equal(1, site.ElementType);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Source_shape_runs_as_its_own_kind(string name)
    {
        var shape = ShapeHarness.Shape(name);
        var x = ShapeHarness.Input(shape);
        var expected = ShapeHarness.Reference(shape.Kind, ShapeHarness.Preactivation(shape, x));
        var actual = ShapeHarness.Run(ShapeHarness.Build(shape).ToByteArray(), x);
        AssertClose(expected, actual, Tolerances.Of(shape.Kind), $"source {name}");
    }

    [Theory]
    [MemberData(nameof(Rewrites))]
    public void Rewrite_computes_the_target_in_onnx_runtime(string name, Activation target, ActivationOpStyle style)
    {
        var shape = ShapeHarness.Shape(name);
        var source = ShapeHarness.Build(shape);
        byte[] sourceBytes = source.ToByteArray();

        var result = ActivationGraphRewriter.Rewrite(source, target, new ActivationRewriteOptions { Style = style });
        var verification = ActivationGraphVerifier.Verify(result);

        Assert.Equal(sourceBytes, source.ToByteArray());
        var rewritten = Assert.Single(result.Rewritten);
        Assert.Equal(target, rewritten.Target);
        Assert.True(verification.SessionLoaded);
        Assert.Equal(1, verification.SitesChecked);
        Assert.DoesNotContain(result.Model.Graph.Node, n => n.OpType is "Erf" or "Tanh" or "Pow" or "Div" && !rewritten.NodeNames.Contains(n.Name));
        Assert.All(result.Model.Graph.Initializer, t => Assert.True(
            result.Model.Graph.Node.Any(n => n.Input.Contains(t.Name)), $"initializer {t.Name} is unused"));
        Assert.DoesNotContain(result.Model.Graph.Node, n => n.OpType == "Constant");

        var x = ShapeHarness.Input(shape);
        var expected = ShapeHarness.Reference(target, ShapeHarness.Preactivation(shape, x));
        var actual = ShapeHarness.Run(result.ToByteArray(), x);
        AssertClose(expected, actual, Tolerances.Of(target), $"{name} -> {target} ({style}, {rewritten.Form})");
    }

    private void AssertClose(float[] expected, float[] actual, (double Absolute, double Relative) tolerance, string label)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        int worstIndex = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]);
            double bound = tolerance.Absolute + tolerance.Relative * Math.Abs(expected[i]);
            double excess = bound == 0 ? (error == 0 ? 0 : double.PositiveInfinity) : error / bound;
            if (excess > worst)
            {
                worst = excess;
                worstIndex = i;
            }
        }

        output.WriteLine(
            $"{label}: worst at {worstIndex}: expected {expected[worstIndex]:G9}, got {actual[worstIndex]:G9}, " +
            $"abs {Math.Abs(expected[worstIndex] - actual[worstIndex]):G3} ({worst:F3} of tolerance)");
        Assert.True(worst <= 1, $"{label}: at {worstIndex} expected {expected[worstIndex]:G9}, got {actual[worstIndex]:G9} (tolerance abs {tolerance.Absolute:G3} + rel {tolerance.Relative:G3})");
    }
}

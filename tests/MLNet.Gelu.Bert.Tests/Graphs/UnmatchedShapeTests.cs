using Google.Protobuf;
using MLNet.Gelu.Bert.Graphs;

namespace MLNet.Gelu.Bert.Tests.Graphs;

/// <summary>Shapes that must not be rewritten (shared intermediates, other constants, other functions) are left alone and reported.</summary>
public class UnmatchedShapeTests
{
    private const double Sqrt2 = 1.4142135623730951;

    /// <summary>PyTorch's erf GELU on x, with one intermediate also written to a second output, "side".</summary>
    private static TestGraph ErfGeluWithSharedIntermediate(int shared)
    {
        var g = new TestGraph();
        string x = g.Input("x", 6);
        string d = g.Op("Div", x, g.Const(Sqrt2));
        string e = g.Op("Erf", d);
        string a = g.Op("Add", e, g.Const(1));
        string m = g.Op("Mul", x, a);
        string y = g.Op("Mul", m, g.Const(0.5));
        g.Rename(y, "y");
        g.Output("y", 6);
        string side = g.Op("Identity", new[] { d, e, a, m }[shared]);
        g.Rename(side, "side");
        g.Output("side", 6);
        return g;
    }

    [Theory]
    [InlineData(0, "Div")]
    [InlineData(1, "Erf")]
    [InlineData(2, "Add")]
    [InlineData(3, "Mul")]
    public void Shape_with_an_intermediate_read_twice_is_reported_and_left_alone(int shared, string sharedOp)
    {
        var g = ErfGeluWithSharedIntermediate(shared);
        byte[] before = g.ToBytes();
        string sharedTensor = g.Graph.Node.First(n => n.OpType == sharedOp).Output[0];

        var result = ActivationGraphRewriter.Rewrite(before, Activation.GeluTanh);

        Assert.Empty(result.Rewritten);
        var miss = Assert.Single(result.Skipped);
        Assert.Equal("Erf", miss.OpType);
        Assert.Contains($"'{sharedTensor}' has 2 consumers", miss.Reason);
        Assert.Equal(g.Graph.Node.Select(n => n.OpType), result.Model.Graph.Node.Select(n => n.OpType));
        Assert.Equal(before, result.ToByteArray());
    }

    [Fact]
    public void Shared_half_product_blocks_the_match()
    {
        var g = new TestGraph();
        string x = g.Input("x", 6);
        string half = g.Op("Mul", x, g.Const(0.5));
        string a = g.Op("Add", g.Op("Erf", g.Op("Div", x, g.Const(Sqrt2))), g.Const(1));
        g.Rename(g.Op("Mul", half, a), "y");
        g.Output("y", 6);
        g.Rename(g.Op("Neg", half), "side");
        g.Output("side", 6);

        var report = ActivationGraphInspector.Find(g.Model);

        Assert.Empty(report.Sites);
        Assert.Contains($"'{half}' has 2 consumers", Assert.Single(report.Unrecognized).Reason);
    }

    [Fact]
    public void Plain_tanh_like_a_pooler_is_reported_with_its_argument()
    {
        var g = new TestGraph();
        g.Rename(g.Op("Tanh", g.Input("x", 6)), "y");
        g.Output("y", 6);

        var miss = Assert.Single(ActivationGraphInspector.Find(g.Model).Unrecognized);

        Assert.Equal("Tanh", miss.OpType);
        Assert.Contains("its argument is 1·x, not 0.7978846·x + 0.03567741·x^3", miss.Reason);
    }

    [Fact]
    public void Sigmoid_with_another_alpha_is_reported_with_that_alpha()
    {
        var g = new TestGraph();
        string x = g.Input("x", 6);
        g.Rename(g.Op("Mul", x, g.Op("Sigmoid", g.Op("Mul", x, g.Const(2.5)))), "y");
        g.Output("y", 6);

        var miss = Assert.Single(ActivationGraphInspector.Find(g.Model).Unrecognized);

        Assert.Contains("α = 2.5 is neither", miss.Reason);
    }

    [Theory]
    [InlineData(1.7320508075688772, 0.5)] // √3 instead of √2
    [InlineData(Sqrt2, 0.25)] // a quarter instead of a half
    [InlineData(1.4142, 0.5)] // √2 rounded to 1.4142 (9.6e-6 off): inside the default tolerance of 1e-4
    public void Constants_are_matched_within_the_tolerance(double divisor, double half)
    {
        var g = new TestGraph();
        string x = g.Input("x", 6);
        string a = g.Op("Add", g.Op("Erf", g.Op("Div", x, g.Const(divisor))), g.Const(1));
        g.Rename(g.Op("Mul", g.Op("Mul", x, a), g.Const(half)), "y");
        g.Output("y", 6);

        var report = ActivationGraphInspector.Find(g.Model);

        bool expected = Math.Abs(divisor / Sqrt2 - 1) < 1e-4 && half == 0.5;
        Assert.Equal(expected ? 1 : 0, report.Sites.Count);
        Assert.Equal(expected ? 0 : 1, report.Unrecognized.Count);
    }

    [Fact]
    public void Tighter_tolerance_rejects_a_rounded_sqrt2()
    {
        var g = new TestGraph();
        string x = g.Input("x", 6);
        string a = g.Op("Add", g.Op("Erf", g.Op("Div", x, g.Const(1.4142))), g.Const(1));
        g.Rename(g.Op("Mul", g.Op("Mul", x, a), g.Const(0.5)), "y");
        g.Output("y", 6);

        var report = ActivationGraphInspector.Find(g.Model, new ActivationRewriteOptions { ConstantTolerance = 1e-6 });

        Assert.Empty(report.Sites);
        Assert.Contains("its argument is 0.7071", Assert.Single(report.Unrecognized).Reason);
    }
}

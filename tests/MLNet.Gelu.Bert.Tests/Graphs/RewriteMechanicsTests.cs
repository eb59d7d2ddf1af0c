using Google.Protobuf;
using MLNet.Gelu.Bert.Graphs;

namespace MLNet.Gelu.Bert.Tests.Graphs;

/// <summary>Bias folding, clean-up of what a rewrite leaves behind, node order, argument checks, and the verifier.</summary>
public class RewriteMechanicsTests
{
    private const double Sqrt2 = 1.4142135623730951;

    private static string ErfGelu(TestGraph g, string x, string? sqrt2 = null)
    {
        string a = g.Op("Add", g.Op("Erf", g.Op("Div", x, sqrt2 ?? g.Const(Sqrt2))), g.Const(1));
        return g.Op("Mul", g.Op("Mul", x, a), g.Const(0.5));
    }

    [Fact]
    public void Without_bias_folding_the_add_stays_and_plain_gelu_is_written()
    {
        var shape = ShapeHarness.Shape("erf with MatMul + bias Add before it");
        var options = new ActivationRewriteOptions { FoldBias = false };

        var result = ActivationGraphRewriter.Rewrite(ShapeHarness.Build(shape), Activation.Gelu, options);

        var site = Assert.Single(result.Before.Sites);
        Assert.Null(site.Bias);
        Assert.Equal(new[] { "MatMul", "Add", "com.microsoft.Gelu" }, result.Model.Graph.Node.Select(n => n.Domain.Length > 0 ? $"{n.Domain}.{n.OpType}" : n.OpType));
        ActivationGraphVerifier.Verify(result);
    }

    [Fact]
    public void With_bias_folding_the_add_becomes_bias_gelu()
    {
        var result = ActivationGraphRewriter.Rewrite(ShapeHarness.Build(ShapeHarness.Shape("erf with MatMul + bias Add before it")), Activation.Gelu);

        Assert.Equal(new[] { "MatMul", "BiasGelu" }, result.Model.Graph.Node.Select(n => n.OpType));
        Assert.Contains(result.Model.OpsetImport, o => o.Domain == "com.microsoft" && o.Version == 1);
        Assert.Equal(new[] { "W", "b" }, result.Model.Graph.Initializer.Select(t => t.Name));
    }

    [Fact]
    public void A_constant_also_read_elsewhere_is_kept()
    {
        var g = new TestGraph();
        string x = g.Input("x", 6);
        string sqrt2 = g.Const(Sqrt2);
        g.Rename(ErfGelu(g, x, sqrt2), "y");
        g.Output("y", 6);
        g.Rename(g.Op("Mul", x, sqrt2), "side");
        g.Output("side", 6);

        var result = ActivationGraphRewriter.Rewrite(g.Model, Activation.Relu);

        Assert.Equal(new[] { sqrt2 }, result.Model.Graph.Initializer.Select(t => t.Name));
        Assert.Equal(new[] { "Relu", "Mul" }, result.Model.Graph.Node.Select(n => n.OpType));
        ActivationGraphVerifier.Verify(result);
    }

    [Fact]
    public void Chained_sites_are_all_rewritten_in_order()
    {
        var g = new TestGraph();
        string h = g.Input("x", 6);
        for (int i = 0; i < 3; i++)
        {
            h = g.Op("Add", ErfGelu(g, h), g.Const(0.25 * (i + 1), asNode: true));
        }

        g.Rename(h, "y");
        g.Output("y", 6);

        var result = ActivationGraphRewriter.Rewrite(g.Model, Activation.GeluTanh);
        var verification = ActivationGraphVerifier.Verify(result);

        Assert.Equal(3, result.Rewritten.Count);
        Assert.Equal(3, verification.SitesFoundAgain);
        Assert.Equal(new[] { "FastGelu", "Add", "FastGelu", "Add", "FastGelu", "Add" }, result.Model.Graph.Node.Where(n => n.OpType != "Constant").Select(n => n.OpType));
        Assert.Equal(3, result.Model.Graph.Node.Count(n => n.OpType == "Constant"));
        Assert.Equal(0, result.OpCountsAfter.GetValueOrDefault("Erf"));
        Assert.Equal(3, result.OpCountsAfter["com.microsoft.FastGelu"]);
        Assert.Equal(3, result.Before.OpCounts["Erf"]);
    }

    [Fact]
    public void Constants_shared_by_several_sites_are_matched_and_swept_once_unused()
    {
        var g = new TestGraph();
        string sqrt2 = g.Const(Sqrt2);
        string one = g.Const(1, asNode: true);
        string half = g.Const(0.5);
        string Gelu(string x) => g.Op("Mul", g.Op("Mul", x, g.Op("Add", g.Op("Erf", g.Op("Div", x, sqrt2)), one)), half);
        g.Rename(Gelu(g.Op("Neg", Gelu(g.Input("x", 6)))), "y");
        g.Output("y", 6);

        var result = ActivationGraphRewriter.Rewrite(g.Model, Activation.Elu);
        ActivationGraphVerifier.Verify(result);

        Assert.Equal(2, result.Rewritten.Count);
        Assert.Empty(result.Model.Graph.Initializer);
        Assert.Equal(new[] { "Elu", "Neg", "Elu" }, result.Model.Graph.Node.Select(n => n.OpType));
    }

    [Fact]
    public void Rewriting_twice_goes_through_the_contrib_form()
    {
        var model = ShapeHarness.Build(ShapeHarness.Shape("tanh HF gelu_new, Pow(x, 3)"));

        var first = ActivationGraphRewriter.Rewrite(model, Activation.GeluSigmoid);
        var second = ActivationGraphRewriter.Rewrite(first.Model, Activation.Gelu, new ActivationRewriteOptions { Style = ActivationOpStyle.StandardOps });

        Assert.Equal(ActivationForm.ContribQuickGelu, Assert.Single(second.Before.Sites).Form);
        Assert.Equal(new[] { "Div", "Erf", "Add", "Mul", "Mul" }, second.Model.Graph.Node.Select(n => n.OpType));
        Assert.Equal(ActivationForm.ErfOps, Assert.Single(ActivationGraphInspector.Find(second.Model).Sites).Form);
    }

    [Fact]
    public void Report_text_names_sites_nodes_and_changes()
    {
        var result = ActivationGraphRewriter.Rewrite(ShapeHarness.Build(ShapeHarness.Shape("erf PyTorch, Constant nodes")), Activation.Silu);

        string before = result.Before.ToString();
        string after = result.ToString();

        Assert.Contains("Activation sites: 1 (1 Gelu)", before);
        Assert.Contains("Gelu as ErfOps [x/1.414214 (PyTorch)]", before);
        Assert.Contains("nodes Div_", before);
        Assert.Contains("Rewrote 1 activation(s) to Silu (ContribOps)", after);
        Assert.Contains("Erf 1 -> 0", after);
        Assert.Contains("com.microsoft.QuickGelu 0 -> 1", after);
    }

    [Fact]
    public void Verifier_reports_a_broken_graph()
    {
        var result = ActivationGraphRewriter.Rewrite(ShapeHarness.Build(ShapeHarness.Shape("erf PyTorch, Constant nodes")), Activation.GeluTanh);
        result.Model.Graph.Node.Clear();

        var e = Assert.Throws<ActivationGraphVerificationException>(() => ActivationGraphVerifier.Verify(result));

        Assert.Contains("output 'y' is written by (nothing), expected com.microsoft.FastGelu", e.Failures);
        Assert.Contains("graph output 'y' is not produced", e.Failures);
    }

    [Fact]
    public void Verifier_notices_operator_counts_that_do_not_add_up()
    {
        var result = ActivationGraphRewriter.Rewrite(ShapeHarness.Build(ShapeHarness.Shape("erf PyTorch, Constant nodes")), Activation.GeluTanh);
        result.Model.Graph.Node.Add(new Onnx.NodeProto { OpType = "Erf", Name = "stray", Input = { "x" }, Output = { "stray_output" } });

        var e = Assert.Throws<ActivationGraphVerificationException>(() => ActivationGraphVerifier.Verify(result));

        Assert.Equal("Erf count is 1 after the rewrite, expected 0 (1 before, 1 removed, 0 written)", Assert.Single(e.Failures));
    }

    [Fact]
    public void Verifier_reports_what_onnx_runtime_rejects()
    {
        var result = ActivationGraphRewriter.Rewrite(ShapeHarness.Build(ShapeHarness.Shape("erf PyTorch, Constant nodes")), Activation.GeluSigmoid);
        result.Model.OpsetImport.Single(o => o.Domain.Length == 0).Version = 1000;

        var e = Assert.Throws<ActivationGraphVerificationException>(() => ActivationGraphVerifier.Verify(result));

        Assert.StartsWith("ONNX Runtime did not load the model", Assert.Single(e.Failures));
        Assert.NotNull(e.InnerException);
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_their_values()
    {
        var model = ShapeHarness.Build(ShapeHarness.Shape("SiLU, Sigmoid(x)*x"));

        var notOnnx = Assert.Throws<ArgumentException>(() => ActivationGraphRewriter.Rewrite([1, 2, 3, 255], Activation.Gelu));
        Assert.Contains("are not an ONNX model", notOnnx.Message);
        var empty = Assert.Throws<ArgumentException>(() => ActivationGraphInspector.Find(new Onnx.ModelProto()));
        Assert.Contains("has no graph nodes", empty.Message);
        var target = Assert.Throws<ArgumentOutOfRangeException>(() => ActivationGraphRewriter.Rewrite(model, (Activation)42));
        Assert.Contains("GeluTanh", target.Message);
        var tolerance = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ActivationGraphRewriter.Rewrite(model, Activation.Gelu, new ActivationRewriteOptions { ConstantTolerance = 0 }));
        Assert.Equal("ConstantTolerance", tolerance.ParamName);
    }

    /// <summary>
    /// Found by the rewriter's property test: an ONNX Gelu followed by ×0.5 and ×2, rewritten to the tanh form in standard
    /// ops, ends in its own ×0.5, so a fresh inspection extends the site through the factors (they multiply to one) and
    /// reports it at the last Mul. The verifier counts the site as found (a fresh site holds the node that writes it).
    /// </summary>
    [Fact]
    public void A_rewritten_site_followed_by_factors_that_multiply_to_one_verifies()
    {
        var g = new TestGraph(20);
        string gelu = g.Op("Gelu", g.Input("x", 6));
        g.Rename(g.Op("Mul", g.Op("Mul", gelu, g.Const(0.5)), g.Const(2)), "y");
        g.Output("y", 6);

        var result = ActivationGraphRewriter.Rewrite(g.ToBytes(), Activation.GeluTanh, new ActivationRewriteOptions { Style = ActivationOpStyle.StandardOps });

        Assert.Equal(gelu, Assert.Single(result.Rewritten).Original.Output);
        var verification = ActivationGraphVerifier.Verify(result);
        Assert.Equal(1, verification.SitesChecked);
        Assert.Equal(1, verification.SitesFoundAgain);
        var x = Enumerable.Range(0, 12).Select(i => -3f + (0.5f * i)).ToArray();
        var expected = new float[x.Length];
        Activations.Apply(Activation.GeluTanh, x, expected);
        var actual = OnnxRun.All(result.ToByteArray(), x, 2)["y"];
        for (var i = 0; i < x.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6 + (1e-6 * Math.Abs(expected[i])), $"x = {x[i]}: {actual[i]} vs {expected[i]}");
        }
    }
}

using Google.Protobuf;
using MLNet.Gelu.Bert.Graphs;

namespace MLNet.Gelu.Bert.Tests.Graphs;

/// <summary>The <see cref="ActivationOpStyle.Onnx20"/> style raises an opset-11 model to 20 without changing what any other operator computes.</summary>
public class OpsetUpgradeTests
{
    private const int Rows = 3;

    /// <summary>An opset-11 model whose operators all changed signature or meaning by opset 20, plus one erf GELU.</summary>
    private static TestGraph Opset11Model()
    {
        var g = new TestGraph(opset: 11);
        string x = g.Input("x", 6);
        string Named(string tensor, string name)
        {
            g.Rename(tensor, name);
            g.OutputOfAnyShape(name);
            return name;
        }

        string u = g.Op("Unsqueeze", string.Empty, [TestGraph.IntsAttribute("axes", 1)], x); // [N,1,6]
        // Opset 11 flattens from axis 1: a softmax over all 6 values; opset 13's axis 1 has size 1 and would give all ones.
        string s = Named(g.Op("Softmax", string.Empty, [TestGraph.IntAttribute("axis", 1)], u), "softmax");
        Named(g.Op("LogSoftmax", string.Empty, [], x), "logsoftmax_default_axis");
        string r = g.Op("ReduceMean", string.Empty, [TestGraph.IntsAttribute("axes", -1)], s); // [N,1,1]
        Named(g.Op("Squeeze", string.Empty, [TestGraph.IntsAttribute("axes", 2)], r), "squeezed");
        Named(g.Op("ReduceSum", string.Empty, [TestGraph.IntsAttribute("axes", 1), TestGraph.IntAttribute("keepdims", 0)], s), "sum");
        Named(g.Op("ReduceMax", string.Empty, [TestGraph.IntsAttribute("axes", 0)], x), "max");
        var split = new Onnx.NodeProto { OpType = "Split", Name = "Split_uneven", Input = { x }, Output = { "left", "right" } };
        split.Attribute.Add(TestGraph.IntAttribute("axis", 1));
        split.Attribute.Add(TestGraph.IntsAttribute("split", 2, 4));
        g.Graph.Node.Add(split);
        g.OutputOfAnyShape("left");
        g.OutputOfAnyShape("right");
        var even = new Onnx.NodeProto { OpType = "Split", Name = "Split_even", Input = { x }, Output = { "first", "second" } };
        even.Attribute.Add(TestGraph.IntAttribute("axis", 1));
        g.Graph.Node.Add(even);
        g.OutputOfAnyShape("first");
        g.OutputOfAnyShape("second");
        string a = g.Op("Add", g.Op("Erf", g.Op("Div", x, g.Const(1.4142135623730951))), g.Const(1));
        Named(g.Op("Mul", g.Op("Mul", x, a), g.Const(0.5)), "gelu");
        return g;
    }

    [Fact]
    public void Opset_11_model_rewritten_to_onnx_gelu_computes_the_same()
    {
        var g = Opset11Model();
        var x = Enumerable.Range(0, Rows * 6).Select(i => (i - 9) * 0.37f).ToArray();
        var before = OnnxRun.All(g.ToBytes(), x, Rows);

        var result = ActivationGraphRewriter.Rewrite(g.Model, Activation.Gelu, new ActivationRewriteOptions { Style = ActivationOpStyle.Onnx20 });
        ActivationGraphVerifier.Verify(result);
        var after = OnnxRun.All(result.ToByteArray(), x, Rows);

        Assert.Equal(11, result.OpsetRaisedFrom);
        Assert.Equal(20, result.Model.OpsetImport.Single(o => o.Domain.Length == 0).Version);
        Assert.True(result.Model.IrVersion >= 9);
        Assert.Equal(1, result.OpCountsAfter["Gelu"]);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (name, expected) in before)
        {
            var actual = after[name];
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6 + 1e-6 * Math.Abs(expected[i]), $"{name}[{i}]: opset 11 gave {expected[i]}, opset 20 gave {actual[i]}");
            }
        }

        Assert.All(after["softmax"], v => Assert.True(v < 1, "softmax must still run over the flattened 6 values"));
        Assert.All(result.Model.Graph.Node.Where(n => n.OpType is "Unsqueeze" or "Squeeze" or "ReduceMean" or "ReduceSum" or "ReduceMax"),
            n => Assert.DoesNotContain(n.Attribute, a => a.Name == "axes"));
        Assert.Contains(result.Model.Graph.Node, n => n.Name == "Split_even" && n.Attribute.Any(a => a.Name == "num_outputs" && a.I == 2));
    }

    [Fact]
    public void Other_styles_keep_the_opset()
    {
        var result = ActivationGraphRewriter.Rewrite(Opset11Model().Model, Activation.Gelu, new ActivationRewriteOptions { Style = ActivationOpStyle.StandardOps });

        Assert.Null(result.OpsetRaisedFrom);
        Assert.Equal(11, result.Model.OpsetImport.Single().Version);
        ActivationGraphVerifier.Verify(result);
    }

    [Fact]
    public void Opset_below_11_is_refused_with_advice()
    {
        var g = new TestGraph(opset: 10);
        string x = g.Input("x", 6);
        string a = g.Op("Add", g.Op("Erf", g.Op("Div", x, g.Const(1.4142135623730951))), g.Const(1));
        g.Rename(g.Op("Mul", g.Op("Mul", x, a), g.Const(0.5)), "y");
        g.Output("y", 6);

        var e = Assert.Throws<NotSupportedException>(() =>
            ActivationGraphRewriter.Rewrite(g.Model, Activation.GeluTanh, new ActivationRewriteOptions { Style = ActivationOpStyle.Onnx20 }));

        Assert.Contains("opset 10", e.Message);
        Assert.Contains("ContribOps", e.Message);
    }
}

using Google.Protobuf;
using MLNet.Gelu.Bert.Graphs;
using Xunit.Abstractions;

namespace MLNet.Gelu.Bert.Tests.Graphs;

/// <summary>The original MiniLM's output on the fixed batch, computed once for the class.</summary>
public sealed class MiniLmBaseline
{
    public MiniLmBaseline()
    {
        byte[] bytes = EmbeddedModels.MiniLm.ToByteArray();
        (Hidden, Pooled) = BertRun.Run(bytes);
        Unfused = BertRun.Run(bytes, Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_DISABLE_ALL).Hidden;
    }

    /// <summary>last_hidden_state with ORT's default optimizations (which fuse the erf GELUs into BiasGelu).</summary>
    public float[] Hidden { get; }

    public float[][] Pooled { get; }

    /// <summary>last_hidden_state with optimizations off: the erf ops run as written.</summary>
    public float[] Unfused { get; }
}

/// <summary>all-MiniLM-L6-v2: its 6 erf GELUs are found, rewritten to every target, loaded and run in ONNX Runtime.</summary>
public class MiniLmRewriteTests(MiniLmBaseline baseline, ITestOutputHelper output) : IClassFixture<MiniLmBaseline>
{
    [Fact]
    public void Finds_six_erf_gelus_with_their_biases_and_reports_the_pooler_tanh()
    {
        var report = ActivationGraphInspector.Find(EmbeddedModels.MiniLm);
        output.WriteLine(report.ToString());

        Assert.Equal(6, report.Sites.Count);
        for (int layer = 0; layer < 6; layer++)
        {
            var site = report.Sites[layer];
            Assert.Equal(Activation.Gelu, site.Kind);
            Assert.Equal(ActivationForm.ErfOps, site.Form);
            Assert.Equal("x/1.414214 (PyTorch)", site.Variant);
            Assert.Equal($"encoder.layer.{layer}.intermediate.dense.bias", site.Bias);
            Assert.Equal(6, site.NodeNames.Count); // bias Add, Div, Erf, Add, Mul, Mul
        }

        var pooler = Assert.Single(report.Unrecognized);
        Assert.Equal("Tanh", pooler.OpType);
        Assert.Equal(6, report.OpCounts["Erf"]);
        Assert.Equal(13, report.Opsets[string.Empty]);
    }

    [Theory]
    [InlineData(Activation.Gelu)]
    [InlineData(Activation.GeluTanh)]
    [InlineData(Activation.GeluSigmoid)]
    [InlineData(Activation.Silu)]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Elu)]
    public void Rewrite_to_contrib_ops_loads_and_runs(Activation target)
    {
        var result = ActivationGraphRewriter.Rewrite(EmbeddedModels.MiniLm, target);
        var verification = ActivationGraphVerifier.Verify(result);
        var (hidden, pooled) = BertRun.Run(result.ToByteArray());
        double cosine = BertRun.MinCosine(baseline.Pooled, pooled);
        double maxAbs = BertRun.MaxAbsDiff(baseline.Hidden, hidden);
        double pooledMaxAbs = BertRun.MaxAbsDiff(baseline.Pooled.SelectMany(p => p).ToArray(), pooled.SelectMany(p => p).ToArray());
        output.WriteLine($"MiniLM -> {target} (ContribOps): min cosine {cosine:F6}, max abs diff of last_hidden_state {maxAbs:G3}, of mean-pooled {pooledMaxAbs:G3}");
        output.WriteLine(result.ToString());

        Assert.Equal(6, result.Rewritten.Count);
        Assert.Equal(6, verification.SitesChecked);
        Assert.Equal(0, result.OpCountsAfter.GetValueOrDefault("Erf"));
        Assert.Equal(result.Before.OpCounts["Add"] - 12, result.OpCountsAfter["Add"] - (target is Activation.Gelu or Activation.GeluTanh ? 0 : 6));
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], verification.InputNames);
        switch (target)
        {
            case Activation.Gelu:
                Assert.Equal(6, result.OpCountsAfter["com.microsoft.BiasGelu"]);
                Assert.True(maxAbs <= 1e-4, $"max abs diff {maxAbs}");
                break;
            case Activation.GeluTanh:
                Assert.Equal(6, result.OpCountsAfter["com.microsoft.FastGelu"]);
                Assert.True(cosine >= 0.999, $"cosine {cosine}");
                break;
            case Activation.GeluSigmoid:
                Assert.Equal(6, result.OpCountsAfter["com.microsoft.QuickGelu"]);
                Assert.True(cosine >= 0.99, $"cosine {cosine}");
                break;
            case Activation.Silu:
                Assert.Equal(6, result.OpCountsAfter["com.microsoft.QuickGelu"]);
                Assert.True(cosine < 0.99, $"cosine {cosine}");
                break;
            case Activation.Relu:
                Assert.Equal(6, result.OpCountsAfter["Relu"]);
                Assert.True(cosine < 0.95, $"cosine {cosine}: a GELU-trained model should differ under ReLU");
                break;
            case Activation.Elu:
                Assert.Equal(6, result.OpCountsAfter["Elu"]);
                Assert.True(cosine < 0.95, $"cosine {cosine}");
                break;
        }
    }

    [Theory]
    [InlineData(ActivationOpStyle.Onnx20)]
    [InlineData(ActivationOpStyle.StandardOps)]
    public void Exact_gelu_in_other_styles_matches_the_original(ActivationOpStyle style)
    {
        var result = ActivationGraphRewriter.Rewrite(EmbeddedModels.MiniLm, Activation.Gelu, new ActivationRewriteOptions { Style = style });
        ActivationGraphVerifier.Verify(result);
        var (hidden, _) = BertRun.Run(result.ToByteArray());
        double maxAbs = BertRun.MaxAbsDiff(baseline.Hidden, hidden);
        double unfusedMaxAbs = BertRun.MaxAbsDiff(baseline.Unfused, hidden);
        output.WriteLine($"MiniLM -> Gelu ({style}): max abs diff of last_hidden_state {maxAbs:G3} (original, fused by ORT), {unfusedMaxAbs:G3} (original run unoptimized)");

        Assert.True(maxAbs <= 1e-4, $"max abs diff {maxAbs}");
        Assert.True(unfusedMaxAbs <= 1e-4, $"max abs diff to the unoptimized original {unfusedMaxAbs}");
        if (style == ActivationOpStyle.Onnx20)
        {
            Assert.Equal(13, result.OpsetRaisedFrom);
            Assert.Equal(6, result.OpCountsAfter["Gelu"]);
            Assert.All(result.Model.Graph.Node.Where(n => n.OpType == "ReduceMean"), n => Assert.Equal(2, n.Input.Count));
        }
    }

    [Fact]
    public void Tanh_gelu_as_onnx_20_matches_fast_gelu()
    {
        var onnx = ActivationGraphRewriter.Rewrite(EmbeddedModels.MiniLm, Activation.GeluTanh, new ActivationRewriteOptions { Style = ActivationOpStyle.Onnx20 });
        var contrib = ActivationGraphRewriter.Rewrite(EmbeddedModels.MiniLm, Activation.GeluTanh);
        ActivationGraphVerifier.Verify(onnx);

        double maxAbs = BertRun.MaxAbsDiff(BertRun.Run(onnx.ToByteArray()).Hidden, BertRun.Run(contrib.ToByteArray()).Hidden);
        output.WriteLine($"MiniLM GeluTanh, ONNX Gelu(tanh) vs FastGelu: max abs diff {maxAbs:G3}");

        Assert.True(maxAbs <= 1e-4, $"max abs diff {maxAbs}");
    }
}

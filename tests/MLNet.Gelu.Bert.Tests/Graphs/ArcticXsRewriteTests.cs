using Google.Protobuf;
using MLNet.Gelu.Bert.Graphs;
using Xunit.Abstractions;

namespace MLNet.Gelu.Bert.Tests.Graphs;

/// <summary>snowflake-arctic-embed-xs (opset 11): its 6 GELUs are found, every target loads, and opset 20 keeps its output.</summary>
public class ArcticXsRewriteTests(ITestOutputHelper output)
{
    [Fact]
    public void Finds_six_erf_gelus()
    {
        var report = ActivationGraphInspector.Find(EmbeddedModels.ArcticXs);
        output.WriteLine(report.ToString());

        Assert.Equal(6, report.Sites.Count);
        Assert.All(report.Sites, s => Assert.Equal((Activation.Gelu, ActivationForm.ErfOps), (s.Kind, s.Form)));
        Assert.All(report.Sites, s => Assert.EndsWith(".intermediate.dense.bias", s.Bias));
        Assert.Empty(report.Unrecognized);
        Assert.Equal(11, report.Opsets[string.Empty]);
    }

    [Theory]
    [InlineData(Activation.Gelu)]
    [InlineData(Activation.GeluTanh)]
    [InlineData(Activation.GeluSigmoid)]
    [InlineData(Activation.Silu)]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Elu)]
    public void Every_target_loads(Activation target)
    {
        var result = ActivationGraphRewriter.Rewrite(EmbeddedModels.ArcticXs, target);
        var verification = ActivationGraphVerifier.Verify(result);

        Assert.Equal(6, verification.SitesChecked);
        Assert.True(verification.SessionLoaded);
        Assert.Equal(0, result.OpCountsAfter.GetValueOrDefault("Erf"));
    }

    [Fact]
    public void Opset_20_gelu_matches_the_original()
    {
        var result = ActivationGraphRewriter.Rewrite(EmbeddedModels.ArcticXs, Activation.Gelu, new ActivationRewriteOptions { Style = ActivationOpStyle.Onnx20 });
        ActivationGraphVerifier.Verify(result);

        var before = BertRun.Run(EmbeddedModels.ArcticXs.ToByteArray());
        var after = BertRun.Run(result.ToByteArray());
        double maxAbs = BertRun.MaxAbsDiff(before.Hidden, after.Hidden);
        output.WriteLine($"ArcticXs -> Gelu (Onnx20, opset 11 -> 20): max abs diff of last_hidden_state {maxAbs:G3}");

        Assert.Equal(11, result.OpsetRaisedFrom);
        Assert.True(maxAbs <= 1e-4, $"max abs diff {maxAbs}");
    }
}

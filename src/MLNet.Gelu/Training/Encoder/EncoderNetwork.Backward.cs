using MLNet.Gelu.Gemm;

namespace MLNet.Gelu.Encoder;

internal sealed partial class EncoderNetwork
{
    /// <summary>Allocated by the first <see cref="Backward"/>, so a network that only scores does not hold them.</summary>
    private BackwardBuffers? _gradients;

    /// <summary>
    /// Softmax cross-entropy of the last forward pass against the batch's labels, then back-propagation of the mean loss into
    /// every tensor's <see cref="EncoderTensor.Gradient"/> (cleared first). Returns the summed (not mean) loss of the batch.
    /// </summary>
    public double Backward()
    {
        var batch = LastBatch;
        int[] labels = batch.Labels ?? throw new InvalidOperationException("The batch has no labels to train on.");
        int rows = batch.Rows, h = _config.Hidden, count = batch.Count;
        var g = _gradients ??= new BackwardBuffers(MaxRows, h, _config.Intermediate, MaxBatch, _config.Classes);
        _weights.ClearGradients();

        Span<float> dLogits = g.Logits.AsSpan(0, count * _config.Classes);
        double loss = SoftmaxCrossEntropy.LossAndGradient(Logits, labels, dLogits, count, _config.Classes);
        DenseLayer.Gradients(dLogits, _pooledDropped, _weights.Classifier.Gradient, _weights.ClassifierBias.Gradient, count, h, _config.Classes, _threads);
        Span<float> dPooled = g.Pooled.AsSpan(0, count * h);
        DenseLayer.InputGradient(dLogits, _weights.Classifier.Values, dPooled, count, h, _config.Classes, _threads);
        MaskGradient(dPooled, _pooledMask, _config.HiddenDropout);

        Span<float> dy = g.Y.AsSpan(0, rows * h);
        if (_config.NormPlacement == EncoderNormPlacement.PreLayerNorm)
        {
            Span<float> dFinal = g.Middle.AsSpan(0, rows * h);
            SequencePooling.Backward(_config.Pooling, dPooled, batch.Lengths, dFinal, count, batch.Length, h);
            LayerNorm.Backward(dFinal, _finalNormalized, _finalDeviation, _weights.FinalNormScale!.Values, dy,
                _weights.FinalNormScale.Gradient, _weights.FinalNormBias!.Gradient, g.NormScratch, rows, h, accumulate: false, _threads);
        }
        else
        {
            SequencePooling.Backward(_config.Pooling, dPooled, batch.Lengths, dy, count, batch.Length, h);
        }

        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            ReadOnlySpan<float> input = l == 0 ? _embeddingOutput.AsSpan(0, rows * h) : _layers[l - 1].Output.AsSpan(0, rows * h);
            LayerBackward(l, batch, input, dy);
        }

        MaskGradient(dy, _embeddingMask, _config.HiddenDropout);
        Span<float> dEmbedded = g.Middle.AsSpan(0, rows * h);
        LayerNorm.Backward(dy, _embeddingNormalized, _embeddingDeviation, _weights.EmbeddingNormScale.Values, dEmbedded,
            _weights.EmbeddingNormScale.Gradient, _weights.EmbeddingNormBias.Gradient, g.NormScratch, rows, h, accumulate: false, _threads);
        TokenEmbedding.Backward(batch, _weights, dEmbedded);
        return loss;
    }

    /// <summary>Takes the gradient of the layer's output in <paramref name="dy"/> and leaves there the gradient of its input.</summary>
    private void LayerBackward(int index, EncoderBatch batch, ReadOnlySpan<float> x, Span<float> dy)
    {
        var w = _weights.Layers[index];
        var s = _layers[index];
        var g = _gradients!;
        int rows = batch.Rows, h = _config.Hidden, inter = _config.Intermediate;
        bool pre = _config.NormPlacement == EncoderNormPlacement.PreLayerNorm;
        Span<float> dMiddle = g.Middle.AsSpan(0, rows * h);
        Span<float> dBlock = g.Block.AsSpan(0, rows * h);

        // Feed-forward block: output = [LN](middle + drop(W2·act(W1·ffnInput + b1) + b2)).
        if (pre)
        {
            ParallelPasses.Copy(dy, dMiddle, _threads);
        }
        else
        {
            LayerNorm.Backward(dy, s.Normalized2, s.InverseDeviation2, w.OutputNormScale.Values, dMiddle,
                w.OutputNormScale.Gradient, w.OutputNormBias.Gradient, g.NormScratch, rows, h, accumulate: false, _threads);
        }

        ParallelPasses.Copy(dMiddle, dBlock, _threads);
        MaskGradient(dBlock, s.OutputMask, _config.HiddenDropout);
        DenseLayer.Gradients(dBlock, s.Activated, w.Output.Gradient, w.OutputBias.Gradient, rows, inter, h, _threads);
        Span<float> dPre = g.Intermediate.AsSpan(0, rows * inter);
        DenseLayer.InputGradient(dBlock, w.Output.Values, dPre, rows, inter, h, _threads);
        Span<float> slope = g.Slope.AsSpan(0, rows * inter);
        ApplyActivation(_config.Activation, s.PreActivation.AsSpan(0, rows * inter), slope, derivative: true);
        ParallelPasses.Multiply(dPre, slope, dPre, _threads);
        ReadOnlySpan<float> ffnInput = pre ? s.NormOutput2.AsSpan(0, rows * h) : s.Middle.AsSpan(0, rows * h);
        DenseLayer.Gradients(dPre, ffnInput, w.Intermediate.Gradient, w.IntermediateBias.Gradient, rows, h, inter, _threads);
        if (pre)
        {
            Span<float> dNorm = g.Block.AsSpan(0, rows * h);
            Sgemm.MultiplyNN(dPre, w.Intermediate.Values, dNorm, rows, h, inter, _threads);
            LayerNorm.Backward(dNorm, s.Normalized2, s.InverseDeviation2, w.OutputNormScale.Values, dMiddle,
                w.OutputNormScale.Gradient, w.OutputNormBias.Gradient, g.NormScratch, rows, h, accumulate: true, _threads);
            ParallelPasses.Copy(dMiddle, dy, _threads);
        }
        else
        {
            Sgemm.MultiplyNN(dPre, w.Intermediate.Values, dMiddle, rows, h, inter, _threads, accumulate: true);
            LayerNorm.Backward(dMiddle, s.Normalized1, s.InverseDeviation1, w.AttentionNormScale.Values, dy,
                w.AttentionNormScale.Gradient, w.AttentionNormBias.Gradient, g.NormScratch, rows, h, accumulate: false, _threads);
        }

        // Attention block: middle = [LN](x + drop(Wo·attention(Q, K, V) + bo)); dy now holds d(x + ...).
        ParallelPasses.Copy(dy, dBlock, _threads);
        MaskGradient(dBlock, s.AttentionOutputMask, _config.HiddenDropout);
        DenseLayer.Gradients(dBlock, s.Context, w.AttentionOutput.Gradient, w.AttentionOutputBias.Gradient, rows, h, h, _threads);
        Span<float> dContext = g.Context.AsSpan(0, rows * h);
        DenseLayer.InputGradient(dBlock, w.AttentionOutput.Values, dContext, rows, h, h, _threads);
        int probabilities = batch.Count * _config.Heads * batch.Length * batch.Length;
        ReadOnlySpan<float> attentionMask = _dropoutApplied && _config.AttentionDropout > 0 ? s.AttentionMask.AsSpan(0, probabilities) : default;
        SelfAttention.Backward(dContext, s.Query, s.Key, s.Value, s.Probabilities.AsSpan(0, probabilities), attentionMask,
            g.Query, g.Key, g.Value, batch.Lengths, batch.Count, batch.Length, _config.Heads, _config.HeadSize, _threads);

        ReadOnlySpan<float> attentionInput = pre ? s.NormOutput1.AsSpan(0, rows * h) : x;
        DenseLayer.Gradients(g.Query.AsSpan(0, rows * h), attentionInput, w.Query.Gradient, w.QueryBias.Gradient, rows, h, h, _threads);
        DenseLayer.Gradients(g.Key.AsSpan(0, rows * h), attentionInput, w.Key.Gradient, w.KeyBias.Gradient, rows, h, h, _threads);
        DenseLayer.Gradients(g.Value.AsSpan(0, rows * h), attentionInput, w.Value.Gradient, w.ValueBias.Gradient, rows, h, h, _threads);
        Span<float> dInput = pre ? dBlock : dy;
        bool accumulate = !pre;
        Sgemm.MultiplyNN(g.Query, w.Query.Values, dInput, rows, h, h, _threads, accumulate);
        Sgemm.MultiplyNN(g.Key, w.Key.Values, dInput, rows, h, h, _threads, accumulate: true);
        Sgemm.MultiplyNN(g.Value, w.Value.Values, dInput, rows, h, h, _threads, accumulate: true);
        if (pre)
        {
            LayerNorm.Backward(dBlock, s.Normalized1, s.InverseDeviation1, w.AttentionNormScale.Values, dy,
                w.AttentionNormScale.Gradient, w.AttentionNormBias.Gradient, g.NormScratch, rows, h, accumulate: true, _threads);
        }
    }

    private void MaskGradient(Span<float> gradient, float[] mask, float p)
    {
        if (_dropoutApplied && p > 0)
        {
            ParallelPasses.Multiply(gradient, mask.AsSpan(0, gradient.Length), gradient, _threads);
        }
    }

    /// <summary>Gradient buffers shared by all layers in the backward pass.</summary>
    private sealed class BackwardBuffers(int rows, int hidden, int intermediate, int maxBatch, int classes)
    {
        public float[] Y { get; } = new float[rows * hidden];

        public float[] Middle { get; } = new float[rows * hidden];

        public float[] Block { get; } = new float[rows * hidden];

        public float[] Context { get; } = new float[rows * hidden];

        public float[] Query { get; } = new float[rows * hidden];

        public float[] Key { get; } = new float[rows * hidden];

        public float[] Value { get; } = new float[rows * hidden];

        public float[] Intermediate { get; } = new float[rows * intermediate];

        public float[] Slope { get; } = new float[rows * intermediate];

        public float[] Pooled { get; } = new float[maxBatch * hidden];

        public float[] Logits { get; } = new float[maxBatch * classes];

        public float[] NormScratch { get; } = new float[hidden];
    }
}

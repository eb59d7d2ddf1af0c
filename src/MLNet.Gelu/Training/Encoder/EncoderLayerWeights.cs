namespace MLNet.Gelu.Encoder;

/// <summary>The parameters of one transformer layer: attention projections, feed-forward block and two LayerNorms.</summary>
internal sealed class EncoderLayerWeights
{
    public EncoderLayerWeights(int index, int hidden, int intermediate)
    {
        string p = $"encoder.layer.{index}.";
        Query = new EncoderTensor(p + "attention.self.query.weight", hidden, hidden, EncoderTensorKind.Matrix);
        QueryBias = new EncoderTensor(p + "attention.self.query.bias", 1, hidden, EncoderTensorKind.Bias);
        Key = new EncoderTensor(p + "attention.self.key.weight", hidden, hidden, EncoderTensorKind.Matrix);
        KeyBias = new EncoderTensor(p + "attention.self.key.bias", 1, hidden, EncoderTensorKind.Bias);
        Value = new EncoderTensor(p + "attention.self.value.weight", hidden, hidden, EncoderTensorKind.Matrix);
        ValueBias = new EncoderTensor(p + "attention.self.value.bias", 1, hidden, EncoderTensorKind.Bias);
        AttentionOutput = new EncoderTensor(p + "attention.output.dense.weight", hidden, hidden, EncoderTensorKind.Matrix);
        AttentionOutputBias = new EncoderTensor(p + "attention.output.dense.bias", 1, hidden, EncoderTensorKind.Bias);
        AttentionNormScale = new EncoderTensor(p + "attention.output.LayerNorm.weight", 1, hidden, EncoderTensorKind.NormScale);
        AttentionNormBias = new EncoderTensor(p + "attention.output.LayerNorm.bias", 1, hidden, EncoderTensorKind.Bias);
        Intermediate = new EncoderTensor(p + "intermediate.dense.weight", intermediate, hidden, EncoderTensorKind.Matrix);
        IntermediateBias = new EncoderTensor(p + "intermediate.dense.bias", 1, intermediate, EncoderTensorKind.Bias);
        Output = new EncoderTensor(p + "output.dense.weight", hidden, intermediate, EncoderTensorKind.Matrix);
        OutputBias = new EncoderTensor(p + "output.dense.bias", 1, hidden, EncoderTensorKind.Bias);
        OutputNormScale = new EncoderTensor(p + "output.LayerNorm.weight", 1, hidden, EncoderTensorKind.NormScale);
        OutputNormBias = new EncoderTensor(p + "output.LayerNorm.bias", 1, hidden, EncoderTensorKind.Bias);
    }

    public EncoderTensor Query { get; }

    public EncoderTensor QueryBias { get; }

    public EncoderTensor Key { get; }

    public EncoderTensor KeyBias { get; }

    public EncoderTensor Value { get; }

    public EncoderTensor ValueBias { get; }

    public EncoderTensor AttentionOutput { get; }

    public EncoderTensor AttentionOutputBias { get; }

    /// <summary>The LayerNorm around attention: after the residual add (post-LN) or on the layer input (pre-LN).</summary>
    public EncoderTensor AttentionNormScale { get; }

    public EncoderTensor AttentionNormBias { get; }

    public EncoderTensor Intermediate { get; }

    public EncoderTensor IntermediateBias { get; }

    public EncoderTensor Output { get; }

    public EncoderTensor OutputBias { get; }

    /// <summary>The LayerNorm around the feed-forward block: after its residual add (post-LN) or on its input (pre-LN).</summary>
    public EncoderTensor OutputNormScale { get; }

    public EncoderTensor OutputNormBias { get; }

    public IEnumerable<EncoderTensor> All =>
    [
        Query, QueryBias, Key, KeyBias, Value, ValueBias, AttentionOutput, AttentionOutputBias, AttentionNormScale, AttentionNormBias,
        Intermediate, IntermediateBias, Output, OutputBias, OutputNormScale, OutputNormBias,
    ];
}

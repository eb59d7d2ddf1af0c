namespace MLNet.Gelu.Encoder;

/// <summary>What one transformer layer's forward pass keeps for its backward pass, sized for the largest batch.</summary>
internal sealed class EncoderLayerState
{
    /// <param name="configuration">The encoder's shape.</param>
    /// <param name="maxRows">The most positions of a batch.</param>
    /// <param name="maxProbabilities">The most attention probabilities of a batch.</param>
    /// <param name="masks">Whether to allocate the dropout masks (training).</param>
    public EncoderLayerState(EncoderConfiguration configuration, int maxRows, int maxProbabilities, bool masks = true)
    {
        int h = configuration.Hidden, i = configuration.Intermediate;
        bool pre = configuration.NormPlacement == EncoderNormPlacement.PreLayerNorm;
        Normalized1 = new float[maxRows * h];
        InverseDeviation1 = new float[maxRows];
        Normalized2 = new float[maxRows * h];
        InverseDeviation2 = new float[maxRows];
        NormOutput1 = pre ? new float[maxRows * h] : [];
        NormOutput2 = pre ? new float[maxRows * h] : [];
        Query = new float[maxRows * h];
        Key = new float[maxRows * h];
        Value = new float[maxRows * h];
        Context = new float[maxRows * h];
        Probabilities = new float[maxProbabilities];
        AttentionMask = masks && configuration.AttentionDropout > 0 ? new float[maxProbabilities] : [];
        AttentionOutputMask = masks && configuration.HiddenDropout > 0 ? new float[maxRows * h] : [];
        Middle = new float[maxRows * h];
        PreActivation = new float[maxRows * i];
        Activated = new float[maxRows * i];
        OutputMask = masks && configuration.HiddenDropout > 0 ? new float[maxRows * h] : [];
        Output = new float[maxRows * h];
    }

    /// <summary>x̂ and 1/σ of the LayerNorm around attention.</summary>
    public float[] Normalized1 { get; }

    public float[] InverseDeviation1 { get; }

    /// <summary>x̂ and 1/σ of the LayerNorm around the feed-forward block.</summary>
    public float[] Normalized2 { get; }

    public float[] InverseDeviation2 { get; }

    /// <summary>Pre-LN: the normalized layer input that attention reads.</summary>
    public float[] NormOutput1 { get; }

    /// <summary>Pre-LN: the normalized middle that the feed-forward block reads.</summary>
    public float[] NormOutput2 { get; }

    public float[] Query { get; }

    public float[] Key { get; }

    public float[] Value { get; }

    public float[] Context { get; }

    public float[] Probabilities { get; }

    /// <summary>Attention-dropout mask, empty without attention dropout.</summary>
    public float[] AttentionMask { get; }

    /// <summary>Dropout mask of the attention block's output, empty without hidden dropout.</summary>
    public float[] AttentionOutputMask { get; }

    /// <summary>The vectors between the two blocks: post-LN LN(x + attention), pre-LN x + attention.</summary>
    public float[] Middle { get; }

    public float[] PreActivation { get; }

    public float[] Activated { get; }

    /// <summary>Dropout mask of the feed-forward block's output, empty without hidden dropout.</summary>
    public float[] OutputMask { get; }

    /// <summary>The layer's output: the next layer's input.</summary>
    public float[] Output { get; }
}

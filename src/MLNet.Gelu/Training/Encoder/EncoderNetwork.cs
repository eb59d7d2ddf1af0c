namespace MLNet.Gelu.Encoder;

/// <summary>
/// Forward and backward passes of a BERT-style encoder classifier over padded mini-batches of up to a fixed number of
/// rows, with the buffers they need: token + position + type embeddings → LayerNorm → dropout → layers of multi-head
/// self-attention and a feed-forward block (post- or pre-LayerNorm, residuals, dropout) → (pre-LN: final LayerNorm) →
/// pooling → dropout → linear classifier head.
/// </summary>
/// <remarks>For a given seed and thread count the results are bit-identical: dropout masks are drawn in a fixed order on
/// the calling thread, the matrix products accumulate in a fixed order, and parallel work writes disjoint blocks.</remarks>
internal sealed partial class EncoderNetwork
{
    private readonly EncoderWeights _weights;
    private readonly EncoderConfiguration _config;
    private readonly int _threads;
    private readonly EncoderLayerState[] _layers;
    private readonly float[] _embedded;
    private readonly float[] _embeddingNormalized;
    private readonly float[] _embeddingDeviation;
    private readonly float[] _embeddingMask;
    private readonly float[] _embeddingOutput;
    private readonly float[] _finalNormalized;
    private readonly float[] _finalDeviation;
    private readonly float[] _final;
    private readonly float[] _pooled;
    private readonly float[] _pooledMask;
    private readonly float[] _pooledDropped;
    private readonly float[] _logits;
    private readonly float[] _scratch;
    private EncoderBatch? _lastBatch;
    private bool _dropoutApplied;

    /// <param name="weights">The parameters.</param>
    /// <param name="maxBatch">The most sequences of a batch.</param>
    /// <param name="maxLength">The longest (padded) sequence of a batch.</param>
    /// <param name="threads">Threads for the matrix products and attention.</param>
    /// <param name="maxRows">The most positions (sequences × padded length) of a batch, when fewer than
    /// <paramref name="maxBatch"/> × <paramref name="maxLength"/> (batches cut under a token budget): the buffers are sized to it,
    /// attention's to <c>heads × maxRows × maxLength</c>.</param>
    /// <param name="inference">Forward passes without dropout only: no dropout masks are allocated.</param>
    public EncoderNetwork(EncoderWeights weights, int maxBatch, int maxLength, int threads, int? maxRows = null, bool inference = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _weights = weights;
        _config = weights.Configuration;
        if (maxLength > _config.MaxPositions)
        {
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, $"The encoder has {_config.MaxPositions} positions.");
        }

        _threads = threads;
        Inference = inference;
        bool hiddenMasks = !inference && _config.HiddenDropout > 0;
        MaxBatch = maxBatch;
        MaxLength = maxLength;
        MaxRows = Math.Min(maxRows ?? int.MaxValue, maxBatch * maxLength);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRows, maxLength, nameof(maxRows));
        int rows = MaxRows, h = _config.Hidden;
        _layers = Enumerable.Range(0, _config.Layers)
            .Select(_ => new EncoderLayerState(_config, rows, _config.Heads * rows * maxLength, masks: !inference)).ToArray();
        _embedded = new float[rows * h];
        _embeddingNormalized = new float[rows * h];
        _embeddingDeviation = new float[rows];
        _embeddingMask = hiddenMasks ? new float[rows * h] : [];
        _embeddingOutput = new float[rows * h];
        bool pre = _config.NormPlacement == EncoderNormPlacement.PreLayerNorm;
        _finalNormalized = pre ? new float[rows * h] : [];
        _finalDeviation = pre ? new float[rows] : [];
        _final = pre ? new float[rows * h] : [];
        _pooled = new float[maxBatch * h];
        _pooledMask = hiddenMasks ? new float[maxBatch * h] : [];
        _pooledDropped = new float[maxBatch * h];
        _logits = new float[maxBatch * _config.Classes];
        _scratch = new float[rows * Math.Max(h, _config.Intermediate)];
    }

    public int MaxBatch { get; }

    public int MaxLength { get; }

    /// <summary>Whether the network runs forward passes without dropout only.</summary>
    public bool Inference { get; }

    /// <summary>The most positions (sequences × padded length) a batch may hold.</summary>
    public int MaxRows { get; }

    public EncoderWeights Weights => _weights;

    /// <summary>The logits of the last forward pass, sequences × classes.</summary>
    public ReadOnlySpan<float> Logits => _logits.AsSpan(0, LastBatch.Count * _config.Classes);

    /// <summary>The pooled vectors of the last forward pass (before dropout), sequences × hidden.</summary>
    public ReadOnlySpan<float> Pooled => _pooled.AsSpan(0, LastBatch.Count * _config.Hidden);

    /// <summary>The final token vectors of the last forward pass (BERT's last hidden state; pre-LN: after the final LayerNorm), rows × hidden.</summary>
    public ReadOnlySpan<float> LastHidden => FinalTokens.Slice(0, LastBatch.Rows * _config.Hidden);

    /// <summary>Dropout masks of the last training pass, for tests: the embedding output's, then per layer the attention
    /// probabilities', the attention output's and the feed-forward output's, then the pooled vector's.</summary>
    internal EncoderDropoutMasks DropoutMasks => new(_embeddingMask, _layers.Select(l => (l.AttentionMask, l.AttentionOutputMask, l.OutputMask)).ToArray(), _pooledMask);

    private EncoderBatch LastBatch => _lastBatch ?? throw new InvalidOperationException("No forward pass has run yet.");

    private Span<float> FinalTokens => _config.NormPlacement == EncoderNormPlacement.PreLayerNorm ? _final : _layers[^1].Output;

    /// <summary>
    /// Runs <paramref name="batch"/> through the encoder and head. With <paramref name="training"/> set, draws fresh dropout
    /// masks from <paramref name="random"/> (in a fixed order) wherever a dropout probability is positive.
    /// </summary>
    public void Forward(EncoderBatch batch, bool training, ref RandomSource random)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count > MaxBatch || batch.Length > MaxLength || batch.Rows > MaxRows)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), $"Batch of {batch.Count} × {batch.Length} exceeds the network's {MaxBatch} × {MaxLength} (at most {MaxRows} positions).");
        }

        if (training && Inference)
        {
            throw new InvalidOperationException("This network was built for inference: it holds no dropout masks for a training pass.");
        }

        batch.Validate(_config);
        _lastBatch = batch;
        _dropoutApplied = training;
        int rows = batch.Rows, h = _config.Hidden;
        float eps = _config.LayerNormEpsilon;

        Span<float> embedded = _embedded.AsSpan(0, rows * h);
        TokenEmbedding.Forward(batch, _weights, embedded);
        Span<float> x = _embeddingOutput.AsSpan(0, rows * h);
        LayerNorm.Forward(embedded, _weights.EmbeddingNormScale.Values, _weights.EmbeddingNormBias.Values, _embeddingNormalized, _embeddingDeviation, x, rows, h, eps, _threads);
        ApplyDropout(x, _embeddingMask, _config.HiddenDropout, ref random);

        for (int l = 0; l < _layers.Length; l++)
        {
            LayerForward(l, batch, x, ref random);
            x = _layers[l].Output.AsSpan(0, rows * h);
        }

        if (_config.NormPlacement == EncoderNormPlacement.PreLayerNorm)
        {
            LayerNorm.Forward(x, _weights.FinalNormScale!.Values, _weights.FinalNormBias!.Values, _finalNormalized, _finalDeviation, _final, rows, h, eps, _threads);
        }

        Span<float> pooled = _pooled.AsSpan(0, batch.Count * h);
        SequencePooling.Forward(_config.Pooling, FinalTokens, batch.Lengths, pooled, batch.Count, batch.Length, h);
        Span<float> dropped = _pooledDropped.AsSpan(0, batch.Count * h);
        pooled.CopyTo(dropped);
        ApplyDropout(dropped, _pooledMask, _config.HiddenDropout, ref random);
        DenseLayer.Forward(dropped, _weights.Classifier.Values, _weights.ClassifierBias.Values, _logits, batch.Count, h, _config.Classes, _threads);
    }

    private void LayerForward(int index, EncoderBatch batch, ReadOnlySpan<float> x, ref RandomSource random)
    {
        var w = _weights.Layers[index];
        var s = _layers[index];
        int rows = batch.Rows, h = _config.Hidden, inter = _config.Intermediate;
        float eps = _config.LayerNormEpsilon;
        bool pre = _config.NormPlacement == EncoderNormPlacement.PreLayerNorm;

        ReadOnlySpan<float> attentionInput = x;
        if (pre)
        {
            LayerNorm.Forward(x, w.AttentionNormScale.Values, w.AttentionNormBias.Values, s.Normalized1, s.InverseDeviation1, s.NormOutput1, rows, h, eps, _threads);
            attentionInput = s.NormOutput1.AsSpan(0, rows * h);
        }

        DenseLayer.Forward(attentionInput, w.Query.Values, w.QueryBias.Values, s.Query, rows, h, h, _threads);
        DenseLayer.Forward(attentionInput, w.Key.Values, w.KeyBias.Values, s.Key, rows, h, h, _threads);
        DenseLayer.Forward(attentionInput, w.Value.Values, w.ValueBias.Values, s.Value, rows, h, h, _threads);
        int probabilities = batch.Count * _config.Heads * batch.Length * batch.Length;
        ReadOnlySpan<float> attentionMask = default;
        if (_dropoutApplied && _config.AttentionDropout > 0)
        {
            Dropout.DrawMask(s.AttentionMask.AsSpan(0, probabilities), _config.AttentionDropout, ref random);
            attentionMask = s.AttentionMask.AsSpan(0, probabilities);
        }

        SelfAttention.Forward(s.Query, s.Key, s.Value, s.Probabilities.AsSpan(0, probabilities), attentionMask, s.Context, batch.Lengths,
            batch.Count, batch.Length, _config.Heads, _config.HeadSize, _threads);

        Span<float> attended = _scratch.AsSpan(0, rows * h);
        DenseLayer.Forward(s.Context, w.AttentionOutput.Values, w.AttentionOutputBias.Values, attended, rows, h, h, _threads);
        ApplyDropout(attended, s.AttentionOutputMask, _config.HiddenDropout, ref random);
        Span<float> middle = s.Middle.AsSpan(0, rows * h);
        ParallelPasses.Add(x, attended, middle, _threads);
        ReadOnlySpan<float> ffnInput = middle;
        if (pre)
        {
            LayerNorm.Forward(middle, w.OutputNormScale.Values, w.OutputNormBias.Values, s.Normalized2, s.InverseDeviation2, s.NormOutput2, rows, h, eps, _threads);
            ffnInput = s.NormOutput2.AsSpan(0, rows * h);
        }
        else
        {
            LayerNorm.Forward(middle, w.AttentionNormScale.Values, w.AttentionNormBias.Values, s.Normalized1, s.InverseDeviation1, middle, rows, h, eps, _threads);
        }

        Span<float> preActivation = s.PreActivation.AsSpan(0, rows * inter);
        DenseLayer.Forward(ffnInput, w.Intermediate.Values, w.IntermediateBias.Values, preActivation, rows, h, inter, _threads);
        ApplyActivation(_config.Activation, preActivation, s.Activated.AsSpan(0, rows * inter), derivative: false);

        Span<float> fed = _scratch.AsSpan(0, rows * h);
        DenseLayer.Forward(s.Activated, w.Output.Values, w.OutputBias.Values, fed, rows, inter, h, _threads);
        ApplyDropout(fed, s.OutputMask, _config.HiddenDropout, ref random);
        Span<float> output = s.Output.AsSpan(0, rows * h);
        ParallelPasses.Add(middle, fed, output, _threads);
        if (!pre)
        {
            LayerNorm.Forward(output, w.OutputNormScale.Values, w.OutputNormBias.Values, s.Normalized2, s.InverseDeviation2, output, rows, h, eps, _threads);
        }
    }

    private void ApplyDropout(Span<float> values, float[] mask, float p, ref RandomSource random)
    {
        if (!_dropoutApplied || p <= 0)
        {
            return;
        }

        Span<float> m = mask.AsSpan(0, values.Length);
        Dropout.DrawMask(m, p, ref random);
        ParallelPasses.Multiply(values, m, values, _threads);
    }

    private void ApplyActivation(Activation activation, ReadOnlySpan<float> x, Span<float> destination, bool derivative)
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = _threads };
        if (derivative)
        {
            Activations.Derivative(activation, x, destination, options);
        }
        else
        {
            Activations.Apply(activation, x, destination, options);
        }
    }
}

namespace MLNet.Gelu.Encoder;

/// <summary>
/// Trains an encoder classifier on tokenized examples: per step a padded batch forward and backward, global-norm clipping,
/// an AdamW update at the warm-up/linear-decay rate. Deterministic for a given seed and thread count.
/// </summary>
internal sealed class EncoderTrainer
{
    private readonly EncoderWeights _weights;
    private readonly EncoderTrainingOptions _options;

    public EncoderTrainer(EncoderWeights weights, EncoderTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Epochs, 1, nameof(options.Epochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, nameof(options.BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Threads, 1, nameof(options.Threads));
        if (!(options.LearningRate > 0) || !(options.WarmupFraction is >= 0 and < 1) || !(options.WeightDecay >= 0) || !(options.MaxGradientNorm >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options, "Learning rate must be positive, warm-up in [0, 1), weight decay and clipping norm non-negative.");
        }

        _weights = weights;
        _options = options;
    }

    /// <summary>Trains for the configured epochs; returns the mean training loss of each epoch.</summary>
    /// <param name="examples">The training sequences.</param>
    /// <param name="step">Called after every step with the epoch (from 0), the steps done, all steps, the batch's mean loss and the rate used.</param>
    /// <param name="epochEnd">Called after every epoch with the epoch (from 0) and its mean loss.</param>
    /// <param name="cancellation">Checked before every step.</param>
    public List<double> Train(
        IReadOnlyList<EncoderExample> examples, Action<EncoderStep>? step = null, Action<int, double>? epochEnd = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0)
        {
            throw new ArgumentException("There are no training examples.", nameof(examples));
        }

        var configuration = _weights.Configuration;
        int maxLength = examples.Max(e => e.TokenIds.Length);
        if (maxLength > configuration.MaxPositions)
        {
            throw new ArgumentException($"An example has {maxLength} tokens; the encoder takes at most {configuration.MaxPositions}.", nameof(examples));
        }

        var random = new RandomSource(_options.Seed);
        var network = new EncoderNetwork(_weights, Math.Min(_options.BatchSize, examples.Count), maxLength, _options.Threads);
        var (beta1, beta2, epsilon) = _options.Moments;
        var tensors = _weights.All;
        var adam = new AdamOptimizer(
            tensors.Select(t => t.Values).ToArray(), tensors.Select(t => t.Gradient).ToArray(), beta1, beta2, epsilon, _options.WeightDecay,
            tensors.Select(t => t.Decayed).ToArray());
        float[][] gradients = tensors.Select(t => t.Gradient).ToArray();
        long stepsPerEpoch = (examples.Count + _options.BatchSize - 1) / _options.BatchSize;
        long totalSteps = stepsPerEpoch * _options.Epochs;
        long warmup = (long)Math.Round(totalSteps * _options.WarmupFraction);
        var losses = new List<double>();
        long done = 0;
        for (int epoch = 0; epoch < _options.Epochs; epoch++)
        {
            double epochLoss = 0;
            foreach (int[] indices in EncoderBatches.Plan(examples, _options.BatchSize, ref random))
            {
                cancellation.ThrowIfCancellationRequested();
                var batch = EncoderBatches.Pad(examples, indices, _options.PadTokenId, withLabels: true);
                network.Forward(batch, training: true, ref random);
                double loss = network.Backward();
                epochLoss += loss;
                if (_options.MaxGradientNorm > 0)
                {
                    GradientClipping.ClipGlobalNorm(gradients, _options.MaxGradientNorm);
                }

                double rate = LearningRates.WithWarmup(LearningRateSchedule.Linear, _options.LearningRate, done, totalSteps, warmup);
                adam.Step(rate);
                done++;
                step?.Invoke(new EncoderStep(epoch, done, totalSteps, loss / batch.Count, rate));
            }

            epochLoss /= examples.Count;
            if (!double.IsFinite(epochLoss))
            {
                throw new InvalidOperationException($"Training diverged in epoch {epoch + 1}: the loss is {epochLoss}. Lower the learning rate (now {_options.LearningRate}).");
            }

            losses.Add(epochLoss);
            epochEnd?.Invoke(epoch, epochLoss);
        }

        return losses;
    }

    /// <summary>The logits of <paramref name="examples"/> (examples × classes), in length-sorted batches of the training batch size, without dropout.</summary>
    public static float[] Predict(EncoderWeights weights, IReadOnlyList<EncoderExample> examples, int batchSize, int threads, int padTokenId = 0)
    {
        int classes = weights.Configuration.Classes;
        var logits = new float[examples.Count * classes];
        if (examples.Count == 0)
        {
            return logits;
        }

        int[] order = Enumerable.Range(0, examples.Count).OrderBy(i => examples[i].TokenIds.Length).ThenBy(i => i).ToArray();
        var network = new EncoderNetwork(weights, Math.Min(batchSize, examples.Count), examples.Max(e => e.TokenIds.Length), threads);
        var unused = new RandomSource(0);
        for (int start = 0; start < order.Length; start += batchSize)
        {
            ReadOnlySpan<int> indices = order.AsSpan(start, Math.Min(batchSize, order.Length - start));
            network.Forward(EncoderBatches.Pad(examples, indices, padTokenId, withLabels: false), training: false, ref unused);
            for (int b = 0; b < indices.Length; b++)
            {
                network.Logits.Slice(b * classes, classes).CopyTo(logits.AsSpan(indices[b] * classes, classes));
            }
        }

        return logits;
    }
}

using System.Diagnostics;

namespace MLNet.Gelu;

/// <summary>
/// The training loop of the MLP classifier over in-memory rows: mini-batch Adam on the mean softmax cross-entropy, with
/// shuffling, dropout, a learning-rate schedule, validation, early stopping, progress and cancellation.
/// </summary>
internal static class MlpTrainerCore
{
    /// <summary>Trains a classifier.</summary>
    /// <param name="features">Training rows, row-major: <c>labels.Length × featureCount</c> finite values.</param>
    /// <param name="featureCount">Features per row, at least 1.</param>
    /// <param name="labels">Class of each row, in [0, <paramref name="classCount"/>); at least two classes must occur.</param>
    /// <param name="classCount">Number of classes (output units), at least 2; classes need not all occur.</param>
    /// <param name="options">Architecture and optimization; see <see cref="MlpOptions"/>.</param>
    /// <param name="validationFeatures">Optional separate validation rows (then <see cref="MlpOptions.ValidationFraction"/> is ignored).</param>
    /// <param name="validationLabels">Labels of the validation rows; given exactly when <paramref name="validationFeatures"/> is.</param>
    /// <param name="epochLog">Called with each epoch's progress before <see cref="MlpOptions.Progress"/> (for example to write the ML.NET channel's log line).</param>
    /// <param name="planLog">Called once, before the first epoch, with the epochs and stopping rules chosen (see <see cref="TrainingPlan"/>).</param>
    /// <returns>The weights after the last epoch, or after the epoch with the lowest validation loss when there is a validation set.</returns>
    /// <exception cref="ArgumentException">Empty data, mismatched lengths, a non-finite feature (the message names row and feature), a single class.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label outside [0, classCount), classCount below 2, featureCount below 1, or an invalid option.</exception>
    /// <exception cref="OperationCanceledException"><see cref="MlpOptions.CancellationToken"/> was cancelled.</exception>
    /// <exception cref="InvalidOperationException">The loss became NaN or infinite (diverged); lower the learning rate.</exception>
    public static MlpModelParameters Train(
        float[] features, int featureCount, int[] labels, int classCount, MlpOptions options,
        float[]? validationFeatures = null, int[]? validationLabels = null, Action<MlpProgress>? epochLog = null, Action<TrainingPlan>? planLog = null)
    {
        var clock = Stopwatch.StartNew();
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        if (classCount < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "A classifier needs at least 2 classes.");
        }

        int rows = TrainingData.Check(features, featureCount, labels, classCount, "training", nameof(features), nameof(labels));
        if ((validationFeatures is null) != (validationLabels is null))
        {
            throw new ArgumentException("Give both validation features and validation labels, or neither.", validationFeatures is null ? nameof(validationFeatures) : nameof(validationLabels));
        }

        if (validationFeatures is not null)
        {
            TrainingData.Check(validationFeatures, featureCount, validationLabels!, classCount, "validation", nameof(validationFeatures), nameof(validationLabels));
        }

        ulong seed = unchecked((ulong)(options.Seed ?? Random.Shared.Next()));
        var splitRandom = new RandomSource(seed ^ 0x5EED_0001UL);
        var initRandom = new RandomSource(seed ^ 0x5EED_0002UL);
        var shuffleRandom = new RandomSource(seed ^ 0x5EED_0003UL);
        var dropoutRandom = new RandomSource(seed ^ 0x5EED_0004UL);

        var plan = TrainingPlan.For(options, rows, validationFeatures is not null);
        int[] trainRows = Enumerable.Range(0, rows).ToArray();
        if (plan.HeldOutRows > 0)
        {
            splitRandom.Shuffle(trainRows);
            (validationFeatures, validationLabels) = TrainingData.Gather(features, featureCount, labels, trainRows.AsSpan(plan.TrainingRows));
            trainRows = trainRows[..plan.TrainingRows];
            Array.Sort(trainRows);
        }

        if (options.EarlyStoppingPatience > 0 && validationFeatures is null)
        {
            throw new ArgumentException(
                $"EarlyStoppingPatience is {options.EarlyStoppingPatience} but there is no validation set: set ValidationFraction above 0 or pass validation rows.", nameof(options));
        }

        TrainingData.CheckTwoClasses(labels, trainRows);

        int[] sizes = [featureCount, .. options.HiddenLayerSizes, classCount];
        var layers = new MlpLayers(sizes, options.Activation);
        WeightInitializer.Initialize(layers, ref initRandom);

        planLog?.Invoke(plan);
        int threads = options.ResolvedThreads;
        int batchSize = plan.BatchSize;
        var network = new MlpNetwork(layers, batchSize, options.Dropout, threads);
        var adam = new AdamOptimizer(
            [.. layers.Weights, .. layers.Biases], [.. network.WeightGradients, .. network.BiasGradients],
            options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay);

        var batchFeatures = new float[batchSize * featureCount];
        var batchLabels = new int[batchSize];
        long totalSteps = plan.MaxSteps;
        bool dropout = options.Dropout > 0;

        MlpLayers? best = null;
        var validationPlateau = new LossPlateau(plan.ValidationPatience, 0);
        var trainingPlateau = new LossPlateau(plan.ConvergencePatience, TrainingPlan.ConvergenceTolerance);
        for (int epoch = 1; epoch <= plan.Epochs; epoch++)
        {
            shuffleRandom.Shuffle(trainRows);
            double epochLoss = 0;
            double rate = options.LearningRate;
            for (int start = 0; start < trainRows.Length; start += batchSize)
            {
                options.CancellationToken.ThrowIfCancellationRequested();
                int n = Math.Min(batchSize, trainRows.Length - start);
                for (int i = 0; i < n; i++)
                {
                    int row = trainRows[start + i];
                    features.AsSpan(row * featureCount, featureCount).CopyTo(batchFeatures.AsSpan(i * featureCount, featureCount));
                    batchLabels[i] = labels[row];
                }

                network.Forward(batchFeatures, n, training: true, ref dropoutRandom);
                epochLoss += network.Backward(batchFeatures, batchLabels.AsSpan(0, n), n, dropout);
                rate = LearningRates.At(options.LearningRateSchedule, options.LearningRate, adam.StepCount, totalSteps);
                adam.Step(rate);
            }

            epochLoss /= trainRows.Length;
            if (!double.IsFinite(epochLoss))
            {
                throw new InvalidOperationException(
                    $"Training diverged in epoch {epoch}: the loss is {epochLoss}. Lower LearningRate (now {options.LearningRate}) or scale the features.");
            }

            double? validationLoss = null, validationAccuracy = null;
            if (validationFeatures is not null)
            {
                (double loss, double accuracy) = Evaluate(network, validationFeatures, validationLabels!, featureCount, classCount);
                validationLoss = loss;
                validationAccuracy = accuracy;
                if (validationPlateau.Observe(loss))
                {
                    best ??= new MlpLayers(sizes, options.Activation);
                    layers.CopyTo(best);
                }
            }

            trainingPlateau.Observe(epochLoss);
            var progress = new MlpProgress(epoch, plan.Epochs, epochLoss, validationLoss, validationAccuracy, rate, clock.Elapsed);
            epochLog?.Invoke(progress);
            options.Progress?.Report(progress);
            if (validationPlateau.Exhausted || trainingPlateau.Exhausted)
            {
                break;
            }
        }

        return new MlpModelParameters(best ?? layers);
    }

    /// <summary>Mean loss and accuracy of the current weights on the given rows (inference: no dropout).</summary>
    private static (double Loss, double Accuracy) Evaluate(MlpNetwork network, float[] features, int[] labels, int featureCount, int classCount)
    {
        RandomSource unused = default; // not drawn from: no dropout at inference
        double loss = 0;
        int correct = 0;
        for (int start = 0; start < labels.Length; start += network.MaxBatch)
        {
            int n = Math.Min(network.MaxBatch, labels.Length - start);
            network.Forward(features.AsSpan(start * featureCount, n * featureCount), n, training: false, ref unused);
            (double l, int c) = SoftmaxCrossEntropy.Evaluate(network.Logits(n), labels.AsSpan(start, n), n, classCount);
            loss += l;
            correct += c;
        }

        return (loss / labels.Length, (double)correct / labels.Length);
    }
}

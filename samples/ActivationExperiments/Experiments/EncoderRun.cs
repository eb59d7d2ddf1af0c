using System.Diagnostics;
using MLNet.Gelu;
using MLNet.Gelu.Encoder;

namespace ActivationExperiments.Experiments;

/// <summary>
/// Trains one encoder classifier from scratch with the library's engine (AdamW, warm-up and linear decay, clipping),
/// scores the validation set after every epoch, keeps the weights of the epoch with the lowest validation loss and
/// scores the test set with them. Deterministic for a seed: one thread per run.
/// </summary>
internal static class EncoderRun
{
    public const int BatchSize = 32;

    public static ClassifierRun Train(
        EncoderConfiguration configuration, IReadOnlyList<EncoderExample> train, IReadOnlyList<EncoderExample> validation,
        IReadOnlyList<EncoderExample> test, double learningRate, int epochs, int seed)
    {
        var clock = Stopwatch.StartNew();
        var weights = new EncoderWeights(configuration);
        var random = new RandomSource((ulong)seed);
        weights.Initialize(ref random);
        var options = new EncoderTrainingOptions(
            Epochs: epochs, BatchSize: BatchSize, LearningRate: learningRate, WarmupFraction: 0.1, Seed: (ulong)seed + 1000, Threads: 1);
        var validationLoss = new List<double>();
        float[][]? best = null;
        double bestLoss = double.PositiveInfinity;
        List<double> trainingLoss;
        try
        {
            trainingLoss = new EncoderTrainer(weights, options).Train(train, epochEnd: (_, _) =>
            {
                double loss = Score(weights, validation).Loss;
                validationLoss.Add(loss);
                if (loss < bestLoss)
                {
                    bestLoss = loss;
                    best = [.. weights.All.Select(t => (float[])t.Values.Clone())];
                }
            });
        }
        catch (InvalidOperationException)
        {
            // The trainer stops when an epoch's loss is no longer finite: the run diverged.
            return new ClassifierRun(configuration.Activation, learningRate, seed, [], [], double.NaN, double.NaN, clock.Elapsed.TotalSeconds);
        }

        if (best is null)
        {
            // The validation loss was never finite.
            return new ClassifierRun(configuration.Activation, learningRate, seed, [.. trainingLoss], [.. validationLoss], double.NaN, double.NaN, clock.Elapsed.TotalSeconds);
        }

        for (int t = 0; t < best.Length; t++)
        {
            best[t].CopyTo(weights.All[t].Values, 0);
        }

        return new ClassifierRun(
            configuration.Activation, learningRate, seed, [.. trainingLoss], [.. validationLoss],
            Score(weights, validation).Error, Score(weights, test).Error, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Mean cross-entropy and error rate of the weights on <paramref name="examples"/> (no dropout).</summary>
    public static (double Loss, double Error) Score(EncoderWeights weights, IReadOnlyList<EncoderExample> examples)
    {
        int classes = weights.Configuration.Classes;
        float[] logits = EncoderTrainer.Predict(weights, examples, BatchSize, threads: 1);
        double loss = 0;
        int wrong = 0;
        for (int i = 0; i < examples.Count; i++)
        {
            var row = logits.AsSpan(i * classes, classes);
            int argmax = 0;
            for (int c = 1; c < classes; c++)
            {
                argmax = row[c] > row[argmax] ? c : argmax;
            }

            double sum = 0;
            foreach (float v in row)
            {
                sum += Math.Exp(v - row[argmax]);
            }

            loss += Math.Log(sum) - (row[examples[i].Label] - row[argmax]);
            wrong += argmax == examples[i].Label ? 0 : 1;
        }

        return (loss / examples.Count, (double)wrong / examples.Count);
    }
}

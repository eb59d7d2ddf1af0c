using ActivationExperiments.Statistics;
using MLNet.Gelu;
using MLNet.Gelu.Datasets;

namespace ActivationExperiments.Experiments;

/// <summary>
/// The GELU paper's MNIST setup on the 10,000 digits we have: an 8 × 128 MLP, Adam, batch 128, every activation, several
/// seeds per learning rate; per activation the learning rate with the lowest median validation error is reported.
/// </summary>
internal static class MnistExperiment
{
    /// <summary>Seed of the one shuffle that fixes the train / validation / test split.</summary>
    public const int SplitSeed = 2016;

    public sealed record Result(IReadOnlyList<ClassifierRun> Runs, IReadOnlyDictionary<Activation, double> ChosenLearningRate, double Seconds);

    public static Result Run(ExperimentSettings settings, TextWriter log)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var digits = MnistDigits.Load();
        var order = LabelledRows.FixedShuffle(digits.Count, SplitSeed);
        var (trainCount, validationCount, testCount) = settings.MnistSplit;
        var pixels = digits.Select(d => d.Pixels).ToArray();
        var labels = digits.Select(d => d.Label).ToArray();
        var train = LabelledRows.Gather(pixels, labels, order.Take(trainCount));
        var validation = LabelledRows.Gather(pixels, labels, order.Skip(trainCount).Take(validationCount));
        var test = LabelledRows.Gather(pixels, labels, order.Skip(trainCount + validationCount).Take(testCount));
        log.WriteLine($"MNIST: {train.Count} train / {validation.Count} validation / {test.Count} test digits, 8 x 128 MLP, " +
            $"{settings.MnistEpochs} epochs, {settings.MnistSeeds} seeds x learning rates {string.Join(", ", settings.MnistLearningRates)}");

        var runs = new List<ClassifierRun>();
        foreach (var activation in Enum.GetValues<Activation>())
        {
            foreach (double learningRate in settings.MnistLearningRates)
            {
                for (int seed = 1; seed <= settings.MnistSeeds; seed++)
                {
                    var run = ClassifierRun.Train(
                        train, validation, test, 10, activation, settings.MnistHiddenLayers, learningRate,
                        settings.MnistBatchSize, settings.MnistEpochs, seed);
                    runs.Add(run);
                    log.WriteLine(run.Diverged
                        ? $"  {activation,-11} lr {learningRate:0e0} seed {seed}: diverged after {run.Seconds:F1} s"
                        : $"  {activation,-11} lr {learningRate:0e0} seed {seed}: final loss {run.TrainingLoss[^1]:F4}, " +
                          $"validation error {run.ValidationError:P2}, test error {run.TestError:P2}, {run.Seconds:F1} s");
                }
            }
        }

        return new Result(runs, ChooseLearningRates(runs), clock.Elapsed.TotalSeconds);
    }

    /// <summary>Per activation, the learning rate whose runs have the lowest median validation error (ties: the larger rate).</summary>
    public static Dictionary<Activation, double> ChooseLearningRates(IEnumerable<ClassifierRun> runs) =>
        runs.GroupBy(r => r.Activation).ToDictionary(
            g => g.Key,
            g => g.GroupBy(r => r.LearningRate)
                .OrderBy(l => Summary.Of(l.Select(r => r.ValidationError)) is { Count: > 0 } s ? s.Median : double.PositiveInfinity)
                .ThenByDescending(l => l.Key)
                .First().Key);
}

using System.Globalization;

namespace MLNet.Gelu;

/// <summary>What the MLP trainer reports through <see cref="MlpOptions.Progress"/> at the end of every epoch.</summary>
public sealed class MlpProgress
{
    internal MlpProgress(int epoch, int epochCount, double trainingLoss, double? validationLoss, double? validationAccuracy, double learningRate, TimeSpan elapsed)
    {
        Epoch = epoch;
        EpochCount = epochCount;
        TrainingLoss = trainingLoss;
        ValidationLoss = validationLoss;
        ValidationAccuracy = validationAccuracy;
        LearningRate = learningRate;
        Elapsed = elapsed;
    }

    /// <summary>The epoch just finished, from 1.</summary>
    public int Epoch { get; }

    /// <summary>The number of epochs training runs unless it stops early: <see cref="MlpOptions.Epochs"/>, or the automatic choice when it is null.</summary>
    public int EpochCount { get; }

    /// <summary>Mean cross-entropy (natural log) over the epoch's training rows, measured during the epoch with dropout active.</summary>
    public double TrainingLoss { get; }

    /// <summary>Mean cross-entropy on the validation rows after the epoch; null when there is no validation set.</summary>
    public double? ValidationLoss { get; }

    /// <summary>Fraction of validation rows whose most probable class is the label, in [0, 1]; null when there is no validation set.</summary>
    public double? ValidationAccuracy { get; }

    /// <summary>The learning rate of the epoch's last step (see <see cref="MlpOptions.LearningRateSchedule"/>).</summary>
    public double LearningRate { get; }

    /// <summary>Time since training started, including data preparation.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>One line for a log, for example <c>epoch 3/20: loss 0.2140, validation loss 0.2511, accuracy 93.10 %, lr 0.001, 1.2 s</c>.</summary>
    /// <returns>The line, culture-invariant.</returns>
    public override string ToString()
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"epoch {Epoch}/{EpochCount}: loss {TrainingLoss:F4}");
        if (ValidationLoss is double loss && ValidationAccuracy is double accuracy)
        {
            line += string.Create(CultureInfo.InvariantCulture, $", validation loss {loss:F4}, accuracy {accuracy * 100:F2} %");
        }

        return line + string.Create(CultureInfo.InvariantCulture, $", lr {LearningRate:G4}, {Elapsed.TotalSeconds:F1} s");
    }
}

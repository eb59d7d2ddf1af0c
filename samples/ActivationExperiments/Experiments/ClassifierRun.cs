using System.Diagnostics;
using Microsoft.ML;
using MLNet.Gelu;

namespace ActivationExperiments.Experiments;

/// <summary>One trained classifier: its per-epoch curves and its errors on validation and test rows.</summary>
/// <param name="Activation">Hidden-layer activation.</param>
/// <param name="LearningRate">Adam step size.</param>
/// <param name="Seed">Seed of initialization and shuffling.</param>
/// <param name="TrainingLoss">Mean training cross-entropy of each epoch (empty when the run diverged).</param>
/// <param name="ValidationLoss">Validation cross-entropy after each epoch.</param>
/// <param name="ValidationError">Validation error of the kept weights (the epoch with the lowest validation loss); NaN when diverged.</param>
/// <param name="TestError">Test error of the kept weights; NaN when diverged.</param>
/// <param name="Seconds">Wall time of training and evaluation.</param>
internal sealed record ClassifierRun(
    Activation Activation, double LearningRate, int Seed, double[] TrainingLoss, double[] ValidationLoss,
    double ValidationError, double TestError, double Seconds)
{
    public bool Diverged => double.IsNaN(TestError);

    /// <summary>Trains on <paramref name="train"/>, keeps the epoch with the lowest loss on <paramref name="validation"/>, scores <paramref name="test"/>.</summary>
    public static ClassifierRun Train(
        LabelledRows train, LabelledRows validation, LabelledRows test, int classCount,
        Activation activation, IReadOnlyList<int> hiddenLayers, double learningRate, int batchSize, int epochs, int seed) =>
        TrainModel(train, validation, test, classCount, activation, hiddenLayers, learningRate, batchSize, epochs, seed).Run;

    /// <summary>As <see cref="Train"/>, and the trained weights too (null when the run diverged), to score other test rows with.</summary>
    public static (ClassifierRun Run, MlpModelParameters? Model) TrainModel(
        LabelledRows train, LabelledRows validation, LabelledRows test, int classCount,
        Activation activation, IReadOnlyList<int> hiddenLayers, double learningRate, int batchSize, int epochs, int seed)
    {
        var clock = Stopwatch.StartNew();
        var curves = new EpochCurves();
        var options = new MlpOptions
        {
            Activation = activation,
            HiddenLayerSizes = [.. hiddenLayers],
            LearningRate = learningRate,
            BatchSize = batchSize,
            Epochs = epochs,
            Seed = seed,
            Progress = curves,
        };
        var mlContext = new MLContext(seed);
        MlpMulticlassPredictionTransformer model;
        try
        {
            model = mlContext.MulticlassClassification.Trainers.Mlp(options)
                .Fit(train.ToDataView(mlContext, classCount), validation.ToDataView(mlContext, classCount));
        }
        catch (InvalidOperationException) when (curves.TrainingLoss.Count < epochs)
        {
            // The trainer stops when an epoch's loss is no longer finite (that epoch is not reported): the run diverged.
            return (new ClassifierRun(activation, learningRate, seed, [], [], double.NaN, double.NaN, clock.Elapsed.TotalSeconds), null);
        }

        // With a validation set the trainer keeps the weights of the epoch with the lowest validation loss.
        return (new ClassifierRun(
            activation, learningRate, seed, [.. curves.TrainingLoss], [.. curves.ValidationLoss],
            ErrorRate(model.Model, validation), ErrorRate(model.Model, test), clock.Elapsed.TotalSeconds), model.Model);
    }

    /// <summary>Fraction of rows whose most probable class is not the label (the model's public batch prediction on the arrays).</summary>
    public static double ErrorRate(MlpModelParameters model, LabelledRows rows)
    {
        var probabilities = new float[rows.Count * model.ClassCount];
        model.PredictBatch(rows.Features, probabilities, Environment.ProcessorCount);
        int wrong = 0;
        for (int r = 0; r < rows.Count; r++)
        {
            var row = probabilities.AsSpan(r * model.ClassCount, model.ClassCount);
            if (row.IndexOf(MaxOf(row)) != rows.Labels[r])
            {
                wrong++;
            }
        }

        return (double)wrong / rows.Count;
    }

    private static float MaxOf(ReadOnlySpan<float> values)
    {
        float max = values[0];
        foreach (float v in values)
        {
            max = Math.Max(max, v);
        }

        return max;
    }
}

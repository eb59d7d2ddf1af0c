using Microsoft.ML;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;

namespace MLNet.Gelu;

/// <summary>
/// Trains a multilayer perceptron classifier for two or more classes (softmax output, cross-entropy loss, Adam).
/// Create it with <see cref="MlpCatalog.Mlp(MulticlassClassificationCatalog.MulticlassClassificationTrainers, MlpOptions)"/>.
/// </summary>
/// <remarks>
/// <para>Input: a known-size vector of Single features (finite values; scale them, for example with
/// <c>NormalizeMinMax</c> or <c>NormalizeMeanVariance</c>, for faster training) and a label of key type, as
/// <c>MapValueToKey</c> makes it. Output: see <see cref="MlpMulticlassPredictionTransformer"/>.</para>
/// <para>Each epoch is logged to <c>mlContext.Log</c> (source <c>Mlp</c>) and reported to <see cref="MlpOptions.Progress"/>.</para>
/// </remarks>
public sealed class MlpMulticlassTrainer : ITrainerEstimator<MlpMulticlassPredictionTransformer, MlpModelParameters>
{
    private readonly IHostEnvironment _env;
    private readonly MlpOptions _options;

    internal MlpMulticlassTrainer(IHostEnvironment env, MlpOptions options)
    {
        _env = env;
        _options = options.Clone();
        _options.Validate();
    }

    /// <summary>What ML.NET needs to know about this trainer: it wants normalized features and supports a validation set.</summary>
    public TrainerInfo Info => MlpTrainerInfo.Instance;

    /// <summary>Trains on <paramref name="input"/>.</summary>
    /// <param name="input">Training data with the feature and label columns named in the options.</param>
    /// <returns>The trained classifier.</returns>
    /// <exception cref="ArgumentException">A column is missing or has the wrong type, the data is empty, a row has a
    /// non-finite feature or a missing label, or all rows have one class.</exception>
    /// <exception cref="OperationCanceledException"><see cref="MlpOptions.CancellationToken"/> was cancelled.</exception>
    /// <exception cref="InvalidOperationException">Training diverged: the loss of an epoch was not finite (lower
    /// <see cref="MlpOptions.LearningRate"/>); the message names the epoch.</exception>
    public MlpMulticlassPredictionTransformer Fit(IDataView input) => Fit(input, null);

    /// <summary>Trains on <paramref name="trainData"/>, measuring loss and accuracy on <paramref name="validationData"/>
    /// after each epoch (and stopping early when <see cref="MlpOptions.EarlyStoppingPatience"/> is set or
    /// <see cref="MlpOptions.Epochs"/> is automatic; the best epoch's weights are kept).</summary>
    /// <param name="trainData">Training data.</param>
    /// <param name="validationData">Validation data with the same columns, or <see langword="null"/> to hold out
    /// <see cref="MlpOptions.ValidationFraction"/> of the training rows (or, with automatic <see cref="MlpOptions.Epochs"/>,
    /// 10 % of 1,000 rows or more; or none).</param>
    /// <returns>The trained classifier.</returns>
    /// <exception cref="ArgumentException">As for <see cref="Fit(IDataView)"/>, for either data set.</exception>
    public MlpMulticlassPredictionTransformer Fit(IDataView trainData, IDataView? validationData)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        var label = MlpDataReader.MulticlassLabel(trainData.Schema, _options.LabelColumnName, "training");
        int classCount = (int)((Microsoft.ML.Data.KeyDataViewType)label.Type).Count;
        if (classCount < 2)
        {
            throw new ArgumentException($"Label column '{label.Name}' is a key of {classCount} value; a classifier needs at least two classes.", nameof(trainData));
        }

        var model = MlpFitting.Train(_env, _options, trainData, validationData,
            (schema, role) => MlpDataReader.MulticlassLabel(schema, _options.LabelColumnName, role), classCount);
        var head = PredictionHeads.Multiclass(_env, classCount, label);
        return new MlpMulticlassPredictionTransformer(new MlpScorer(model, _options.FeatureColumnName, head));
    }

    /// <summary>The columns training adds, as ML.NET's own multiclass trainers add them.</summary>
    /// <param name="inputSchema">The shape of the training data.</param>
    /// <returns>The input shape plus <c>Score</c> and <c>PredictedLabel</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        new MLContext().MulticlassClassification.Trainers
            .SdcaMaximumEntropy(_options.LabelColumnName, _options.FeatureColumnName)
            .GetOutputSchema(inputSchema);
}

using Microsoft.ML;

namespace MLNet.Gelu;

/// <summary>
/// Multilayer perceptron (MLP) trainers for ML.NET: fully connected hidden layers with a choice of
/// <see cref="Activation"/> (exact GELU by default), a softmax output trained by cross-entropy with Adam, mini-batches,
/// dropout, learning-rate schedules and early stopping on a validation set.
/// </summary>
/// <remarks>
/// <para>The trainers are ordinary ML.NET estimators: append them to a pipeline, and use the fitted model with
/// <c>Evaluate</c>, <c>CrossValidate</c>, <c>PermutationFeatureImportance</c>, <c>CreatePredictionEngine</c> and
/// <c>mlContext.Model.Save</c>/<c>Load</c>.</para>
/// <list type="table">
/// <listheader><term>Characteristic</term><description>Value</description></listheader>
/// <item><term>Machine learning task</term><description>Binary and multiclass classification</description></item>
/// <item><term>Is normalization required?</term><description>Recommended (the features feed the first layer unscaled)</description></item>
/// <item><term>Is caching required?</term><description>No: the data is read once into memory</description></item>
/// <item><term>Required NuGet in addition to Microsoft.ML</term><description>MLNet.Gelu; Microsoft.ML.OnnxRuntime to save models</description></item>
/// <item><term>Deterministic?</term><description>Yes, for a given <see cref="MlpOptions.Seed"/> (or MLContext seed) and thread count</description></item>
/// </list>
/// <example>
/// <code>
/// var mlContext = new MLContext(seed: 1);
/// var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label")
///     .Append(mlContext.Transforms.Concatenate("Features", "SepalLength", "SepalWidth", "PetalLength", "PetalWidth"))
///     .Append(mlContext.Transforms.NormalizeMeanVariance("Features"))
///     .Append(mlContext.MulticlassClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [32], Epochs = 100 }))
///     .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
/// var model = pipeline.Fit(trainData);
/// var metrics = mlContext.MulticlassClassification.Evaluate(model.Transform(testData));
/// </code>
/// </example>
/// </remarks>
public static class MlpCatalog
{
    /// <summary>Creates a multiclass MLP trainer with default settings (see <see cref="MlpOptions"/>) and the given layers.</summary>
    /// <param name="catalog">The multiclass trainers catalog (<c>mlContext.MulticlassClassification.Trainers</c>).</param>
    /// <param name="labelColumnName">The label column: a key, as <c>MapValueToKey</c> makes it.</param>
    /// <param name="featureColumnName">The feature column: a known-size vector of Single.</param>
    /// <param name="hiddenLayerSizes">Units per hidden layer; <see langword="null"/> for one layer of 128.</param>
    /// <param name="activation">The activation of every hidden layer.</param>
    /// <returns>The trainer, an estimator of <see cref="MlpMulticlassPredictionTransformer"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A hidden layer size is below 1, or <paramref name="activation"/> is undefined.</exception>
    public static MlpMulticlassTrainer Mlp(
        this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", int[]? hiddenLayerSizes = null, Activation activation = Activation.Gelu) =>
        Mlp(catalog, Simple(labelColumnName, featureColumnName, hiddenLayerSizes, activation));

    /// <summary>Creates a multiclass MLP trainer from <paramref name="options"/> (copied: later changes do not reach the trainer).</summary>
    /// <param name="catalog">The multiclass trainers catalog (<c>mlContext.MulticlassClassification.Trainers</c>).</param>
    /// <param name="options">Architecture, optimizer, stopping, columns, progress and cancellation.</param>
    /// <returns>The trainer, an estimator of <see cref="MlpMulticlassPredictionTransformer"/>.</returns>
    public static MlpMulticlassTrainer Mlp(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, MlpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new MlpMulticlassTrainer(MlpFitting.EnvironmentOf(catalog), options);
    }

    /// <summary>Creates a binary MLP trainer with default settings (see <see cref="MlpOptions"/>) and the given layers.</summary>
    /// <param name="catalog">The binary trainers catalog (<c>mlContext.BinaryClassification.Trainers</c>).</param>
    /// <param name="labelColumnName">The label column, of type Boolean.</param>
    /// <param name="featureColumnName">The feature column: a known-size vector of Single.</param>
    /// <param name="hiddenLayerSizes">Units per hidden layer; <see langword="null"/> for one layer of 128.</param>
    /// <param name="activation">The activation of every hidden layer.</param>
    /// <returns>The trainer, an estimator of <see cref="MlpBinaryPredictionTransformer"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A hidden layer size is below 1, or <paramref name="activation"/> is undefined.</exception>
    public static MlpBinaryTrainer Mlp(
        this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", int[]? hiddenLayerSizes = null, Activation activation = Activation.Gelu) =>
        Mlp(catalog, Simple(labelColumnName, featureColumnName, hiddenLayerSizes, activation));

    /// <summary>Creates a binary MLP trainer from <paramref name="options"/> (copied: later changes do not reach the trainer).</summary>
    /// <param name="catalog">The binary trainers catalog (<c>mlContext.BinaryClassification.Trainers</c>).</param>
    /// <param name="options">Architecture, optimizer, stopping, columns, progress and cancellation.</param>
    /// <returns>The trainer, an estimator of <see cref="MlpBinaryPredictionTransformer"/>.</returns>
    public static MlpBinaryTrainer Mlp(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, MlpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new MlpBinaryTrainer(MlpFitting.EnvironmentOf(catalog), options);
    }

    private static MlpOptions Simple(string labelColumnName, string featureColumnName, int[]? hiddenLayerSizes, Activation activation)
    {
        var options = new MlpOptions { LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, Activation = activation };
        if (hiddenLayerSizes is not null)
        {
            options.HiddenLayerSizes = hiddenLayerSizes;
        }

        return options;
    }
}

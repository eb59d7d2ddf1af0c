using Microsoft.ML;
using MLNet.Gelu.Bert;

namespace MLNet.Gelu;

/// <summary>
/// BERT text classifiers for ML.NET, fine-tuned (or trained from scratch, <see cref="BertClassifierOptions.FromScratch"/>) in
/// .NET (no libtorch): <c>mlContext.MulticlassClassification.Trainers.BertClassifier(...)</c> and
/// <c>mlContext.BinaryClassification.Trainers.BertClassifier(...)</c>.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Characteristic</term><description>Value</description></listheader>
/// <item><term>Machine learning task</term><description>Binary and multiclass classification of text (or text pairs)</description></item>
/// <item><term>Input</term><description>A text column (and optionally a second one); a key label (multiclass) or Boolean label (binary)</description></item>
/// <item><term>Deterministic?</term><description>Yes, for a given <see cref="BertClassifierOptions.Seed"/> and thread count</description></item>
/// </list>
/// <example>
/// <code>
/// var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label")
///     .Append(mlContext.MulticlassClassification.Trainers.BertClassifier(new BertClassifierOptions { Epochs = 2 }));
/// var model = pipeline.Fit(train);
/// var metrics = mlContext.MulticlassClassification.Evaluate(model.Transform(test));
/// </code>
/// </example>
/// </remarks>
public static class BertClassifierCatalog
{
    /// <summary>Creates a multiclass BERT classifier trainer (fine-tuning all-MiniLM-L6-v2 unless the options name another model
    /// or an encoder shape to train from scratch).</summary>
    /// <param name="catalog">The multiclass trainers catalog (<c>mlContext.MulticlassClassification.Trainers</c>).</param>
    /// <param name="options">Model (or shape from scratch), columns and training recipe; <see langword="null"/> for the defaults.</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public static BertClassifierTrainer BertClassifier(
        this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, BertClassifierOptions? options = null)
        => new(MlpFitting.EnvironmentOf(catalog), options ?? new BertClassifierOptions(), binary: false);

    /// <summary>Creates a binary BERT classifier trainer (Boolean label; fine-tuning all-MiniLM-L6-v2 unless the options name another
    /// model or an encoder shape to train from scratch).</summary>
    /// <param name="catalog">The binary trainers catalog (<c>mlContext.BinaryClassification.Trainers</c>).</param>
    /// <param name="options">Model (or shape from scratch), columns and training recipe; <see langword="null"/> for the defaults.</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public static BertClassifierTrainer BertClassifier(
        this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, BertClassifierOptions? options = null)
        => new(MlpFitting.EnvironmentOf(catalog), options ?? new BertClassifierOptions(), binary: true);
}

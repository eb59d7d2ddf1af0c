using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Gelu.Bert.Training;
using MLNet.Gelu.Encoder;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Fine-tunes a pretrained BERT (all-MiniLM-L6-v2 by default) as a text classifier, in .NET: the ONNX model's weights
/// are read into a training engine with hand-written forward and backward passes, a linear head is added on the pooled
/// vector, and the whole network is trained with AdamW (see <see cref="BertClassifierOptions"/>). With
/// <see cref="BertClassifierOptions.FromScratch"/> the same engine trains a new encoder of that shape instead, from
/// randomly initialized weights. Multiclass (key label) or binary (Boolean label); created by the <c>BertClassifier</c>
/// catalog methods.
/// </summary>
/// <remarks>Each epoch is logged to <c>mlContext.Log</c> (source <c>BertClassifier</c>); every step is reported to
/// <see cref="BertClassifierOptions.Progress"/>.</remarks>
public sealed class BertClassifierTrainer : IEstimator<BertClassifierTransformer>
{
    private readonly IHostEnvironment _env;
    private readonly BertClassifierOptions _options;
    private readonly bool _binary;

    internal BertClassifierTrainer(IHostEnvironment env, BertClassifierOptions options, bool binary)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _env = env;
        _options = options;
        _binary = binary;
    }

    /// <summary>Fine-tunes (or trains from scratch) on <paramref name="input"/>.</summary>
    /// <param name="input">Training data with the text column(s) and the label column named in the options.</param>
    /// <returns>The trained classifier.</returns>
    /// <exception cref="ArgumentException">A column is missing or has the wrong type, the data is empty, a label is missing, or all rows have one class.</exception>
    /// <exception cref="OperationCanceledException"><see cref="BertClassifierOptions.CancellationToken"/> was cancelled.</exception>
    /// <exception cref="InvalidOperationException">Training diverged (the loss of an epoch was not finite): lower the learning rate.</exception>
    public BertClassifierTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var clock = Stopwatch.StartNew();
        var o = _options;
        var text = BertClassifierTexts.TextColumn(input.Schema, o.TextColumnName, "training");
        DataViewSchema.Column? pair = o.SecondTextColumnName is { } second ? BertClassifierTexts.TextColumn(input.Schema, second, "training") : null;
        var label = _binary
            ? MlpDataReader.BinaryLabel(input.Schema, o.LabelColumnName, "training")
            : MlpDataReader.MulticlassLabel(input.Schema, o.LabelColumnName, "training");
        int classes = _binary ? 2 : (int)((KeyDataViewType)label.Type).Count;
        if (classes < 2)
        {
            throw new ArgumentException($"Label column '{label.Name}' is a key of {classes} value; a classifier needs at least two classes.", nameof(input));
        }

        var model = o.Model ?? BertModel.AllMiniLmL6V2();
        var host = _env.Register("BertClassifier");
        int seed = o.Seed ?? host.Rand.Next();
        var pooling = o.Pooling == BertPooling.Cls ? EncoderPooling.Cls : EncoderPooling.Mean;
        var initRandom = new RandomSource(unchecked((ulong)seed) ^ 0x5EED_0011UL);
        List<EncoderExample> Read(BertTextTokenizer tokenizer) => BertClassifierTexts.Read(input, tokenizer, text, pair, label, o.CancellationToken);
        var start = o.FromScratch is { } shape
            ? BertClassifierStart.FromScratch(model, shape, o, classes, pooling, ref initRandom, Read)
            : BertClassifierStart.Pretrained(model, o, classes, pooling, ref initRandom, Read);
        var (weights, tokenizer, examples, rows, description) = start;

        using var channel = host.Start("Training");
        channel.Info(MessageSensitivity.None, "BertClassifier: {0} rows, {1} classes, {2} ({3} layers, {4} hidden, {5}), {6} epochs, batch {7}, lr {8}, seed {9}.",
            examples.Count, classes, description, weights.Configuration.Layers, weights.Configuration.Hidden, weights.Configuration.Activation,
            o.Epochs, o.BatchSize, o.ResolvedLearningRate, seed);
        var training = new EncoderTrainingOptions(o.Epochs, o.BatchSize, o.ResolvedLearningRate, o.WarmupFraction, o.WeightDecay, o.MaxGradientNorm,
            unchecked((ulong)seed), o.ResolvedThreads, start.PadRow);
        new EncoderTrainer(weights, training).Train(
            examples,
            step => o.Progress?.Report(new BertClassifierProgress(step.Epoch + 1, o.Epochs, step.Step, step.TotalSteps, step.Loss, step.LearningRate, clock.Elapsed)),
            (epoch, loss) => channel.Info(MessageSensitivity.None, "BertClassifier epoch {0}/{1}: training loss {2:F4}, {3:F1} s.", epoch + 1, o.Epochs, loss, clock.Elapsed.TotalSeconds),
            o.CancellationToken);

        var predictionHead = _binary ? PredictionHeads.Binary(_env) : PredictionHeads.Multiclass(_env, classes, label);
        return new BertClassifierTransformer(weights, tokenizer, model.Settings.LowerCase, o.TextColumnName, o.SecondTextColumnName, predictionHead, o.ResolvedThreads, rows);
    }

    /// <summary>The columns training adds, as ML.NET's own classification trainers add them.</summary>
    /// <param name="inputSchema">The shape of the training data.</param>
    /// <returns>The input shape plus <c>Score</c> and <c>PredictedLabel</c> (binary: and <c>Probability</c>).</returns>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        const string features = "__BertClassifierFeatures";
        var context = new MLContext();
        var featurize = context.Transforms.Text.FeaturizeText(features, _options.TextColumnName);
        IEstimator<ITransformer> trainer = _binary
            ? context.BinaryClassification.Trainers.SdcaLogisticRegression(_options.LabelColumnName, features)
            : context.MulticlassClassification.Trainers.SdcaMaximumEntropy(_options.LabelColumnName, features);
        var shape = trainer.GetOutputSchema(featurize.GetOutputSchema(inputSchema));
        return new SchemaShape(shape.Where(c => c.Name != features));
    }
}

using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Tests.TestSupport;
using Kernels = MLNet.Gelu.Activations;

namespace MLNet.Gelu.Tests.Reliability;

/// <summary>
/// The bad-input corpus of MLNet.Gelu: every public entry point (activation kernels, the Gelu/ApplyActivation
/// transforms, the MLP trainers and their model, saving and loading) called with one thing wrong. Each case asserts the
/// exact exception type, that the message names what is wrong, and that it comes at the earliest point: option setters
/// and catalog calls before any data is seen, <c>Fit</c>/<c>GetOutputSchema</c>/<c>Transform</c> at schema time (the
/// data is a <see cref="TripwireDataView"/>, whose rows cannot be read). The BERT corpus lives in MLNet.Gelu.Bert.Tests.
/// </summary>
public class BadInputCorpus
{
    private static readonly MLContext Ml = new(seed: 1);

    private static readonly IDataView Data = Ml.Data.LoadFromEnumerable(
    [
        new Row { X = 1, V = [1, 2, 3], Text = "a", Label = true, Weight = 1 },
        new Row { X = -1, V = [3, 2, 1], Text = "b", Label = false, Weight = 2 },
    ]);

    private static readonly IDataView Tripwire = new TripwireDataView(Data);

    private static readonly IDataView OtherWidth = new TripwireDataView(Ml.Data.LoadFromEnumerable([new WideRow { V = [1, 2, 3, 4], Label = true }]));

    private static readonly Lazy<MlpModelParameters> TrainedModel = new(() =>
        Ml.BinaryClassification.Trainers.Mlp(new MlpOptions { FeatureColumnName = "V", HiddenLayerSizes = [4], Epochs = 1, Seed = 1 })
            .Fit(Data).Model);

    public static readonly BadInput[] Cases =
    [
        // Kernels.
        new("Activations.Apply", "destination shorter than x", typeof(ArgumentException), ["destination"], "call",
            () => Kernels.Apply(Activation.Gelu, new float[4], new float[3])),
        new("Activations.Apply", "undefined activation", typeof(ArgumentOutOfRangeException), ["activation", "99"], "call",
            () => Kernels.Apply((Activation)99, new float[4], new float[4])),
        new("Activations.Apply", "null ParallelOptions", typeof(ArgumentNullException), ["parallelOptions"], "call",
            () => Kernels.Apply(Activation.Gelu, new float[4], new float[4], null!)),
        new("Activations.Derivative", "destination shorter than x", typeof(ArgumentException), ["destination"], "call",
            () => Kernels.Derivative(Activation.Silu, new float[8], new float[7])),
        new("Activations.Derivative", "undefined activation", typeof(ArgumentOutOfRangeException), ["activation"], "call",
            () => Kernels.Derivative((Activation)(-1), new float[1], new float[1])),
        new("Activations.FromHuggingFace", "unknown hidden_act", typeof(ArgumentException), ["swishy", "gelu"], "call",
            () => Kernels.FromHuggingFace("swishy")),
        new("Activations.FromHuggingFace", "null", typeof(ArgumentNullException), ["hiddenAct"], "call",
            () => Kernels.FromHuggingFace(null!)),

        // Activation transforms: catalog (options) and schema.
        new("Transforms.Gelu", "undefined approximation", typeof(ArgumentOutOfRangeException), ["approximation"], "options",
            () => Ml.Transforms.Gelu("Y", "X", (GeluApproximation)7)),
        new("Transforms.Gelu", "null output column", typeof(ArgumentNullException), ["outputColumnName"], "options",
            () => Ml.Transforms.Gelu((string)null!)),
        new("Transforms.ApplyActivation", "undefined activation", typeof(ArgumentOutOfRangeException), ["activation"], "options",
            () => Ml.Transforms.ApplyActivation("Y", "X", (Activation)42)),
        new("Transforms.ApplyActivation", "no column pairs", typeof(ArgumentException), ["columns"], "options",
            () => Ml.Transforms.ApplyActivation([])),
        new("Transforms.ApplyActivation", "null column pairs", typeof(ArgumentNullException), ["columns"], "options",
            () => Ml.Transforms.ApplyActivation((InputOutputColumnPair[])null!)),
        new("Transforms.ApplyActivation", "a null pair", typeof(ArgumentException), ["Column pair 1"], "options",
            () => Ml.Transforms.ApplyActivation([new("A", "X"), null!])),
        new("Transforms.ApplyActivation", "two pairs writing one column", typeof(ArgumentException), ["'A'", "pairs 0 and 1"], "options",
            () => Ml.Transforms.ApplyActivation([new("A", "X"), new("A", "V")])),
        new("ActivationEstimator.Fit", "input column missing", typeof(ArgumentOutOfRangeException), ["Nope", "X"], "schema",
            () => Ml.Transforms.Gelu("Y", "Nope").Fit(Tripwire)),
        new("ActivationEstimator.Fit", "input column is text", typeof(ArgumentOutOfRangeException), ["Text", "String"], "schema",
            () => Ml.Transforms.Gelu("Y", "Text").Fit(Tripwire)),
        new("ActivationEstimator.Fit", "input column is Boolean", typeof(ArgumentOutOfRangeException), ["Label", "Boolean"], "schema",
            () => Ml.Transforms.ApplyActivation("Y", "Label", Activation.Relu).Fit(Tripwire)),
        new("ActivationEstimator.GetOutputSchema", "input column missing", typeof(ArgumentOutOfRangeException), ["Nope"], "schema",
            () => Ml.Transforms.Gelu("Y", "Nope").GetOutputSchema(TransformerChecks.ShapeOf(Data.Schema))),
        new("ActivationTransformer.Transform", "data lacks the fitted column", typeof(ArgumentOutOfRangeException), ["V"], "schema",
            () => Ml.Transforms.Gelu("Y", "V").Fit(Data).Transform(new TripwireDataView(Ml.Data.LoadFromEnumerable([new OnlyText { Text = "a" }])))),
        new("ActivationTransformer.Transform", "fitted column is now text", typeof(ArgumentOutOfRangeException), ["Text", "String"], "schema",
            () => Ml.Transforms.Gelu("Y", "Text").Fit(Ml.Data.LoadFromEnumerable([new TextAsNumber { Text = 1 }]))
                .Transform(new TripwireDataView(Ml.Data.LoadFromEnumerable([new OnlyText { Text = "a" }])))),

        // MLP options (checked when set).
        new("MlpOptions.HiddenLayerSizes", "a zero-width layer", typeof(ArgumentOutOfRangeException), ["HiddenLayerSizes", "0"], "options",
            () => _ = new MlpOptions { HiddenLayerSizes = [16, 0] }),
        new("MlpOptions.HiddenLayerSizes", "null", typeof(ArgumentNullException), ["HiddenLayerSizes"], "options",
            () => _ = new MlpOptions { HiddenLayerSizes = null! }),
        new("MlpOptions.LearningRate", "NaN", typeof(ArgumentOutOfRangeException), ["LearningRate", "NaN"], "options",
            () => _ = new MlpOptions { LearningRate = float.NaN }),
        new("MlpOptions.LearningRate", "zero", typeof(ArgumentOutOfRangeException), ["LearningRate"], "options",
            () => _ = new MlpOptions { LearningRate = 0 }),
        new("MlpOptions.Epochs", "zero", typeof(ArgumentOutOfRangeException), ["Epochs"], "options",
            () => _ = new MlpOptions { Epochs = 0 }),
        new("MlpOptions.BatchSize", "zero", typeof(ArgumentOutOfRangeException), ["BatchSize"], "options",
            () => _ = new MlpOptions { BatchSize = 0 }),
        new("MlpOptions.Dropout", "one", typeof(ArgumentOutOfRangeException), ["Dropout"], "options",
            () => _ = new MlpOptions { Dropout = 1 }),
        new("MlpOptions.Beta2", "one", typeof(ArgumentOutOfRangeException), ["Beta2"], "options",
            () => _ = new MlpOptions { Beta2 = 1 }),
        new("MlpOptions.Epsilon", "infinite", typeof(ArgumentOutOfRangeException), ["Epsilon"], "options",
            () => _ = new MlpOptions { Epsilon = float.PositiveInfinity }),
        new("MlpOptions.WeightDecay", "negative", typeof(ArgumentOutOfRangeException), ["WeightDecay"], "options",
            () => _ = new MlpOptions { WeightDecay = -1e-4f }),
        new("MlpOptions.Activation", "undefined", typeof(ArgumentOutOfRangeException), ["Activation"], "options",
            () => _ = new MlpOptions { Activation = (Activation)12 }),
        new("MlpOptions.LearningRateSchedule", "undefined", typeof(ArgumentOutOfRangeException), ["LearningRateSchedule"], "options",
            () => _ = new MlpOptions { LearningRateSchedule = (LearningRateSchedule)9 }),
        new("MlpOptions.ValidationFraction", "one", typeof(ArgumentOutOfRangeException), ["ValidationFraction"], "options",
            () => _ = new MlpOptions { ValidationFraction = 1 }),
        new("MlpOptions.EarlyStoppingPatience", "negative", typeof(ArgumentOutOfRangeException), ["EarlyStoppingPatience"], "options",
            () => _ = new MlpOptions { EarlyStoppingPatience = -1 }),
        new("MlpOptions.NumberOfThreads", "zero", typeof(ArgumentOutOfRangeException), ["NumberOfThreads"], "options",
            () => _ = new MlpOptions { NumberOfThreads = 0 }),
        new("MlpOptions.LabelColumnName", "blank", typeof(ArgumentException), ["LabelColumnName"], "options",
            () => _ = new MlpOptions { LabelColumnName = " " }),
        new("BinaryClassification.Trainers.Mlp", "null options", typeof(ArgumentNullException), ["options"], "options",
            () => Ml.BinaryClassification.Trainers.Mlp((MlpOptions)null!)),

        // MLP trainers: schema.
        new("MlpBinaryTrainer.Fit", "feature column missing", typeof(ArgumentException), ["Nope"], "schema",
            () => Ml.BinaryClassification.Trainers.Mlp(featureColumnName: "Nope").Fit(Tripwire)),
        new("MlpBinaryTrainer.Fit", "feature column is a scalar", typeof(ArgumentException), ["'X'", "Single"], "schema",
            () => Ml.BinaryClassification.Trainers.Mlp(featureColumnName: "X").Fit(Tripwire)),
        new("MlpBinaryTrainer.Fit", "label column is not Boolean", typeof(ArgumentException), ["'Weight'", "Boolean"], "schema",
            () => Ml.BinaryClassification.Trainers.Mlp(labelColumnName: "Weight", featureColumnName: "V").Fit(Tripwire)),
        new("MlpMulticlassTrainer.Fit", "label column is not a key", typeof(ArgumentException), ["'Label'", "MapValueToKey"], "schema",
            () => Ml.MulticlassClassification.Trainers.Mlp(featureColumnName: "V").Fit(Tripwire)),
        new("MlpBinaryTrainer.Fit", "validation data of another width", typeof(ArgumentException), ["V"], "schema",
            () => Ml.BinaryClassification.Trainers.Mlp(featureColumnName: "V").Fit(Tripwire, OtherWidth)),
        new("MlpBinaryTrainer.GetOutputSchema", "feature column missing", typeof(ArgumentOutOfRangeException), ["Nope"], "schema",
            () => Ml.BinaryClassification.Trainers.Mlp(featureColumnName: "Nope").GetOutputSchema(TransformerChecks.ShapeOf(Data.Schema))),

        // The trained model.
        new("MlpModelParameters.GetWeights", "layer out of range", typeof(ArgumentOutOfRangeException), ["layer"], "call",
            () => TrainedModel.Value.GetWeights(TrainedModel.Value.LayerCount)),
        new("MlpModelParameters.Predict", "features of the wrong length", typeof(ArgumentException), ["features", "3"], "call",
            () => TrainedModel.Value.Predict(new float[2], new float[2])),
        new("MlpModelParameters.Predict", "probabilities too short", typeof(ArgumentException), ["probabilities"], "call",
            () => TrainedModel.Value.Predict(new float[3], new float[1])),
        new("MlpModelParameters.PredictBatch", "a partial row", typeof(ArgumentException), ["features"], "call",
            () => TrainedModel.Value.PredictBatch(new float[5], new float[4])),

        // Saving and loading.
        new("Model.SaveWithActivations", "null model", typeof(ArgumentNullException), ["model"], "call",
            () => Ml.Model.SaveWithActivations(null!, Data.Schema, new MemoryStream())),
        new("Model.SaveWithActivations", "empty path", typeof(ArgumentException), ["filePath"], "call",
            () => Ml.Model.SaveWithActivations(Ml.Transforms.Gelu("Y", "X").Fit(Data), Data.Schema, string.Empty)),
        new("Model.LoadWithActivations", "no such file", typeof(FileNotFoundException), ["no-such-model.zip"], "call",
            () => Ml.Model.LoadWithActivations(Path.Combine(Path.GetTempPath(), "no-such-model.zip"), out _)),
        new("Model.LoadWithActivations", "not a zip", typeof(InvalidDataException), ["the model stream", "not a zip"], "call",
            () => Ml.Model.LoadWithActivations(new MemoryStream("not a model"u8.ToArray()), out _)),
        new("Model.LoadWithActivations", "a manifest naming an unknown kind", typeof(InvalidDataException), ["Quantum"], "call",
            () => Ml.Model.LoadWithActivations(WithManifestKind("Quantum"), out _)),
    ];

    public static TheoryData<string> Names => [.. Cases.Select(c => c.ToString())];

    [Theory]
    [MemberData(nameof(Names))]
    public void Is_refused_with_a_specific_exception_naming_what_is_wrong(string name) => Cases.Single(c => c.ToString() == name).Check();

    [Fact]
    public void Corpus_covers_every_entry_point_family()
    {
        Assert.Equal(Cases.Length, Cases.Select(c => c.ToString()).Distinct().Count());
        Assert.True(Cases.Length >= 50, $"{Cases.Length} cases");
    }

    /// <summary>A model saved by this library whose manifest names <paramref name="kind"/> instead of its own kind.</summary>
    private static MemoryStream WithManifestKind(string kind)
    {
        var saved = new MemoryStream();
        Ml.Model.SaveWithActivations(Ml.Transforms.Gelu("Y", "X").Fit(Data), Data.Schema, saved);
        using (var zip = new ZipArchive(saved, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = zip.Entries.Single(e => e.FullName.EndsWith("manifest.json", StringComparison.Ordinal));
            string json;
            using (var reader = new StreamReader(entry.Open()))
            {
                json = reader.ReadToEnd();
            }

            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry(entry.FullName).Open());
            writer.Write(json.Replace("\"Activation\"", $"\"{kind}\"", StringComparison.Ordinal));
        }

        saved.Position = 0;
        return saved;
    }

    private sealed class Row
    {
        public float X { get; set; }

        [VectorType(3)]
        public float[] V { get; set; } = [];

        public string Text { get; set; } = string.Empty;

        public bool Label { get; set; }

        public float Weight { get; set; }
    }

    private sealed class WideRow
    {
        [VectorType(4)]
        public float[] V { get; set; } = [];

        public bool Label { get; set; }
    }

    private sealed class TextAsNumber
    {
        public float Text { get; set; }
    }

    private sealed class OnlyText
    {
        public string Text { get; set; } = string.Empty;
    }
}

using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Datasets;
using MLNet.Gelu.Encoder;
using MLNet.Gelu.Tests.TestSupport;
using Xunit.Abstractions;
using static MLNet.Gelu.Bert.Tests.Training.ClassifierRows;

namespace MLNet.Gelu.Bert.Tests.Training;

/// <summary>
/// The BERT classifier trained from scratch (<see cref="BertClassifierOptions.FromScratch"/>): it learns real data with the
/// default recipe, and everything the fine-tuned classifier does works for it too — <c>Evaluate</c>,
/// <c>CrossValidate</c>, <c>CreatePredictionEngine</c>, progress, <c>mlContext.Log</c>, saving and loading, determinism for a
/// seed, options checked when the trainer is made (cancellation: <see cref="BertClassifierTrainerTests"/>).
/// </summary>
public class BertClassifierFromScratchTests(ITestOutputHelper output)
{
    [Fact]
    public void Default_small_encoder_learns_UCI_sentiment_from_scratch_and_scores_like_its_prediction_engine()
    {
        var ml = new MLContext(seed: 1);
        var log = LogLines.Of(ml);
        var sentences = UciSentiment.Load().Where((_, i) => i % 3 == 0).Select(s => new Row { Text = s.Text, Label = s.Positive }).ToArray();
        var trainRows = sentences.Where((_, i) => i % 10 < 7).ToArray();
        var testRows = sentences.Where((_, i) => i % 10 >= 7).ToArray();
        var steps = new Steps();
        var trainer = ml.BinaryClassification.Trainers.BertClassifier(new BertClassifierOptions
        {
            FromScratch = new BertEncoderShape(), Seed = 1, Threads = 2, Progress = steps,
        });

        var model = trainer.Fit(ml.Data.LoadFromEnumerable(trainRows));

        var test = ml.Data.LoadFromEnumerable(testRows);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(test));
        double positives = testRows.Count(r => r.Label) / (double)testRows.Length;
        double majority = Math.Max(positives, 1 - positives);
        output.WriteLine($"{trainRows.Length} UCI sentences, default encoder from scratch, 3 epochs: held-out accuracy {metrics.Accuracy:P1} on {testRows.Length} " +
            $"(majority class {majority:P1}), AUC {metrics.AreaUnderRocCurve:F3}; {steps.Reports.Count} steps in {steps.Reports[^1].Elapsed.TotalSeconds:F1} s");
        Assert.True(metrics.Accuracy >= majority + 0.1, $"accuracy {metrics.Accuracy:P1}, majority class {majority:P1}");
        Assert.Equal(108_546, model.Weights.ParameterCount - model.Weights.WordEmbeddings.Values.Length);
        Assert.Equal(model.Rows!.Count, model.Weights.WordEmbeddings.Rows);
        Assert.InRange(model.Rows.Count, 1000, 5000);
        int stepsPerEpoch = (trainRows.Length + 31) / 32;
        Assert.Equal(3 * stepsPerEpoch, steps.Reports.Count);
        Assert.Equal(BertClassifierOptions.DefaultFromScratchLearningRate, steps.Reports.Max(r => r.LearningRate), 12);
        Assert.Contains(log, line => line.Contains("from scratch", StringComparison.Ordinal) && line.Contains("lr 0.001", StringComparison.Ordinal));
        Assert.Contains(log, line => line.Contains("BertClassifier epoch 3/3", StringComparison.Ordinal));

        var engine = ml.Model.CreatePredictionEngine<Row, BinaryPrediction>(model);
        var scored = ml.Data.CreateEnumerable<BinaryPrediction>(model.Transform(test), reuseRowObject: false).Take(20).ToArray();
        for (int i = 0; i < scored.Length; i++)
        {
            var single = engine.Predict(testRows[i]);
            Assert.Equal(scored[i].Score, single.Score);
            Assert.Equal(scored[i].PredictedLabel, single.PredictedLabel);
        }
    }

    [Fact]
    public void Multiclass_from_scratch_is_deterministic_for_a_seed_cross_validates_and_saves_and_loads_with_identical_scores()
    {
        var ml = new MLContext(seed: 2);
        var rows = Topics();
        var data = ml.Data.LoadFromEnumerable(rows);
        IEstimator<ITransformer> Pipeline(int seed) => ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.BertClassifier(new BertClassifierOptions
            {
                FromScratch = new BertEncoderShape { Layers = 1, HiddenSize = 32, Heads = 2, FeedForwardSize = 64, PreLayerNorm = true },
                Activation = Activation.GeluTanh, Epochs = 30, BatchSize = 4, LearningRate = 3e-3, Seed = seed, Threads = 2,
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

        var model = Pipeline(7).Fit(data);
        var all = ml.Data.CreateEnumerable<TopicPrediction>(model.Transform(data), reuseRowObject: false).ToArray();
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(data), predictedLabelColumnName: "PredictedLabel");
        output.WriteLine($"{rows.Length} topic sentences, 1-layer pre-LN GELU-tanh encoder from scratch: training accuracy {metrics.MicroAccuracy:P0}, log-loss {metrics.LogLoss:F3}");
        Assert.True(metrics.MicroAccuracy >= 0.75, $"training accuracy {metrics.MicroAccuracy:P0}");

        var again = ml.Data.CreateEnumerable<TopicPrediction>(Pipeline(7).Fit(data).Transform(data), reuseRowObject: false).ToArray();
        var otherSeed = ml.Data.CreateEnumerable<TopicPrediction>(Pipeline(8).Fit(data).Transform(data), reuseRowObject: false).ToArray();
        Assert.Equal(all.Select(p => p.Score), again.Select(p => p.Score));
        Assert.NotEqual(all.Select(p => p.Score), otherSeed.Select(p => p.Score));

        var engine = ml.Model.CreatePredictionEngine<Topic, TopicPrediction>(model);
        for (int i = 0; i < rows.Length; i++)
        {
            var single = engine.Predict(rows[i]);
            Assert.Equal(all[i].PredictedLabel, single.PredictedLabel);
            Assert.Equal(all[i].Score, single.Score);
        }

        using var stream = new MemoryStream();
        ml.Model.SaveWithActivations(model, data.Schema, stream);
        stream.Position = 0;
        var restored = ml.Model.LoadWithActivations(stream, out _);
        var loaded = Assert.IsType<BertClassifierTransformer>(((TransformerChain<ITransformer>)restored).AsEnumerable().Single(t => t is BertClassifierTransformer));
        var shape = loaded.Weights.Configuration;
        Assert.Equal((Activation.GeluTanh, EncoderNormPlacement.PreLayerNorm, 32), (shape.Activation, shape.NormPlacement, shape.Hidden));
        Assert.Equal(shape.VocabularySize, loaded.Rows!.Count);
        Topic[] unseen = [new() { Text = "a quiet xylophone concert" }, new() { Text = "the goalkeeper ate soup in the rain" }];
        var unseenData = ml.Data.LoadFromEnumerable(unseen);
        var before = ml.Data.CreateEnumerable<TopicPrediction>(model.Transform(data), reuseRowObject: false)
            .Concat(ml.Data.CreateEnumerable<TopicPrediction>(model.Transform(unseenData), reuseRowObject: false)).ToArray();
        var after = ml.Data.CreateEnumerable<TopicPrediction>(restored.Transform(data), reuseRowObject: false)
            .Concat(ml.Data.CreateEnumerable<TopicPrediction>(restored.Transform(unseenData), reuseRowObject: false)).ToArray();
        Assert.Equal(before.Select(p => p.PredictedLabel), after.Select(p => p.PredictedLabel));
        Assert.Equal(before.Select(p => p.Score), after.Select(p => p.Score));

        // A row list that no longer fits the encoder is refused, naming both counts.
        stream.Position = 0;
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = zip.Entries.Single(e => e.FullName.EndsWith("word-piece-rows.txt", StringComparison.Ordinal));
            string[] ids;
            using (var reader = new StreamReader(entry.Open()))
            {
                ids = reader.ReadToEnd().Split('\n');
            }

            string name = entry.FullName;
            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry(name).Open());
            writer.Write(string.Join('\n', ids[..^1]));
        }

        stream.Position = 0;
        var damaged = Assert.Throws<InvalidDataException>(() => ml.Model.LoadWithActivations(stream, out _));
        Assert.Contains($"to {loaded.Rows.Count - 1} embedding rows, but its encoder has {loaded.Rows.Count}", damaged.Message, StringComparison.Ordinal);

        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
        var trainer = ml.MulticlassClassification.Trainers.BertClassifier(new BertClassifierOptions { FromScratch = new BertEncoderShape(), Epochs = 2, BatchSize = 4, Seed = 9, Threads = 2 });
        var folds = ml.MulticlassClassification.CrossValidate(keyed, trainer, numberOfFolds: 2);
        Assert.Equal(2, folds.Count);
        Assert.All(folds, f => Assert.InRange(f.Metrics.MicroAccuracy, 0, 1));
    }

    [Fact]
    public void Bad_shapes_are_rejected_when_the_trainer_is_made_naming_the_value()
    {
        var ml = new MLContext(seed: 1);
        BertClassifierTrainer Make(BertEncoderShape shape) => ml.BinaryClassification.Trainers.BertClassifier(new BertClassifierOptions { FromScratch = shape });

        var heads = Assert.Throws<ArgumentOutOfRangeException>(() => Make(new BertEncoderShape { HiddenSize = 64, Heads = 3 }));
        Assert.Equal("FromScratch.Heads", heads.ParamName);
        Assert.Equal(3, heads.ActualValue);
        Assert.Contains("hidden size 64", heads.Message, StringComparison.Ordinal);
        Assert.Equal("FromScratch.Layers", Assert.Throws<ArgumentOutOfRangeException>(() => Make(new BertEncoderShape { Layers = 0 })).ParamName);
        Assert.Equal("FromScratch.HiddenSize", Assert.Throws<ArgumentOutOfRangeException>(() => Make(new BertEncoderShape { HiddenSize = -8 })).ParamName);
        Assert.Equal("FromScratch.Heads", Assert.Throws<ArgumentOutOfRangeException>(() => Make(new BertEncoderShape { Heads = 0 })).ParamName);
        Assert.Equal("FromScratch.FeedForwardSize", Assert.Throws<ArgumentOutOfRangeException>(() => Make(new BertEncoderShape { FeedForwardSize = 0 })).ParamName);
        var rate = Assert.Throws<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.BertClassifier(
            new BertClassifierOptions { FromScratch = new BertEncoderShape(), LearningRate = double.NaN }));
        Assert.Equal("LearningRate", rate.ParamName);

        Assert.Equal(BertClassifierOptions.DefaultFineTuningLearningRate, new BertClassifierOptions().ResolvedLearningRate);
        Assert.Equal(BertClassifierOptions.DefaultFromScratchLearningRate, new BertClassifierOptions { FromScratch = new BertEncoderShape() }.ResolvedLearningRate);
        Assert.Equal(2e-3, new BertClassifierOptions { FromScratch = new BertEncoderShape(), LearningRate = 2e-3 }.ResolvedLearningRate);
    }
}

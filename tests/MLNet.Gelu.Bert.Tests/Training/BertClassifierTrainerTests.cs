using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Datasets;
using MLNet.Gelu.Tests.TestSupport;
using Xunit.Abstractions;
using static MLNet.Gelu.Bert.Tests.Training.ClassifierRows;

namespace MLNet.Gelu.Bert.Tests.Training;

/// <summary>
/// The ML.NET doors of the BERT classifier: fine-tuning MiniLM inside a pipeline, then <c>Evaluate</c>,
/// <c>CreatePredictionEngine</c>, <c>MapKeyToValue</c>, progress, cancellation and <c>mlContext.Log</c>; sentence pairs and
/// cancellation also from scratch.
/// </summary>
public class BertClassifierTrainerTests(ITestOutputHelper output)
{
    [Fact]
    public void Binary_fine_tuning_of_MiniLM_on_UCI_sentences_beats_chance_by_far_and_reports_every_step()
    {
        var ml = new MLContext(seed: 1);
        var log = LogLines.Of(ml);
        var sentences = UciSentiment.Load().Where((_, i) => i % 5 == 0).Select(s => new Row { Text = s.Text, Label = s.Positive }).ToArray();
        var train = ml.Data.LoadFromEnumerable(sentences.Take(400));
        var test = ml.Data.LoadFromEnumerable(sentences.Skip(400));
        var steps = new Steps();
        var trainer = ml.BinaryClassification.Trainers.BertClassifier(new BertClassifierOptions
        {
            Epochs = 2, BatchSize = 16, LearningRate = 1e-4, MaxTokens = 64, Seed = 1, Threads = 2, Progress = steps,
        });
        var model = trainer.Fit(train);

        var metrics = ml.BinaryClassification.Evaluate(model.Transform(test));
        output.WriteLine($"400 UCI sentences, 2 epochs: held-out accuracy {metrics.Accuracy:P1} on {sentences.Length - 400}, AUC {metrics.AreaUnderRocCurve:F3}; " +
            $"{steps.Reports.Count} steps in {steps.Reports[^1].Elapsed.TotalSeconds:F0} s");
        Assert.True(metrics.Accuracy >= 0.8, $"accuracy {metrics.Accuracy:P1}");
        Assert.Equal(50, steps.Reports.Count);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), steps.Reports.Select(r => r.Step));
        Assert.All(steps.Reports, r => Assert.Equal(50, r.StepCount));
        Assert.Contains(log, line => line.Contains("BertClassifier epoch 2/2", StringComparison.Ordinal));

        var engine = ml.Model.CreatePredictionEngine<Row, BinaryPrediction>(model);
        var scored = ml.Data.CreateEnumerable<BinaryPrediction>(model.Transform(test), reuseRowObject: false).Take(5).ToArray();
        for (int i = 0; i < scored.Length; i++)
        {
            var single = engine.Predict(sentences[400 + i]);
            Assert.Equal(scored[i].Score, single.Score, 1e-5f);
            Assert.Equal(scored[i].PredictedLabel, single.PredictedLabel);
        }
    }

    [Fact]
    public void Multiclass_classifier_maps_back_to_label_values_scores_like_its_prediction_engine_and_saves_and_loads()
    {
        var ml = new MLContext(seed: 2);
        var rows = Topics();
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.BertClassifier(new BertClassifierOptions
            {
                Epochs = 4, BatchSize = 4, LearningRate = 2e-4, WarmupFraction = 0, Seed = 3, Threads = 2,
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var model = pipeline.Fit(data);
        var scored = model.Transform(data);

        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(data), predictedLabelColumnName: "PredictedLabel");
        output.WriteLine($"12 topic sentences, training accuracy {metrics.MicroAccuracy:P0}, log-loss {metrics.LogLoss:F3}");
        Assert.True(metrics.MicroAccuracy >= 0.75, $"training accuracy {metrics.MicroAccuracy:P0}");

        var engine = ml.Model.CreatePredictionEngine<Topic, TopicPrediction>(model);
        var all = ml.Data.CreateEnumerable<TopicPrediction>(scored, reuseRowObject: false).ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            var single = engine.Predict(rows[i]);
            Assert.Contains(single.PredictedLabel, rows.Select(r => r.Label));
            Assert.Equal(all[i].PredictedLabel, single.PredictedLabel);
            Assert.Equal(all[i].Score, single.Score, new FloatTolerance(1e-5f));
            Assert.Equal(1, single.Score.Sum(), 1e-4);
        }

        using var stream = new MemoryStream();
        ml.Model.SaveWithActivations(model, data.Schema, stream);
        stream.Position = 0;
        var restored = ml.Model.LoadWithActivations(stream, out _);
        Assert.Contains(((TransformerChain<ITransformer>)restored).AsEnumerable(), t => t is BertClassifierTransformer);
        var reloaded = ml.Data.CreateEnumerable<TopicPrediction>(restored.Transform(data), reuseRowObject: false).ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal(all[i].PredictedLabel, reloaded[i].PredictedLabel);
            Assert.Equal(all[i].Score, reloaded[i].Score);
        }

        stream.Position = 0;
        var plain = Assert.ThrowsAny<Exception>(() => new MLContext().Model.Load(stream, out _).Transform(data).Preview());
        Assert.Contains("LoadWithActivations", plain.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sentence_pairs_train_and_cross_validate(bool fromScratch)
    {
        var ml = new MLContext(seed: 4);
        string[] sport = ["the team won the match", "a great goal in the final", "the runner broke the record", "she scored twice tonight"];
        string[] food = ["the soup was too salty", "fresh bread and cheese", "we cooked pasta for dinner", "this cake tastes sweet"];
        var pairs = new List<Pair>();
        for (int i = 0; i < 4; i++)
        {
            pairs.Add(new Pair { First = sport[i], Second = sport[(i + 1) % 4], Label = true });
            pairs.Add(new Pair { First = food[i], Second = food[(i + 1) % 4], Label = true });
            pairs.Add(new Pair { First = sport[i], Second = food[i], Label = false });
            pairs.Add(new Pair { First = food[i], Second = sport[(i + 2) % 4], Label = false });
        }

        var data = ml.Data.LoadFromEnumerable(pairs);
        var trainer = ml.BinaryClassification.Trainers.BertClassifier(new BertClassifierOptions
        {
            TextColumnName = "First", SecondTextColumnName = "Second", Epochs = 2, BatchSize = 8, Seed = 5, Threads = 2,
            FromScratch = fromScratch ? new BertEncoderShape() : null, LearningRate = fromScratch ? null : 1e-4,
        });
        var folds = ml.BinaryClassification.CrossValidateNonCalibrated(data, trainer, numberOfFolds: 2);
        Assert.Equal(2, folds.Count);
        Assert.All(folds, f => Assert.InRange(f.Metrics.Accuracy, 0, 1));

        var model = trainer.Fit(data);
        var engine = ml.Model.CreatePredictionEngine<Pair, BinaryPrediction>(model);
        var scored = ml.Data.CreateEnumerable<BinaryPrediction>(model.Transform(data), reuseRowObject: false).ToArray();
        for (int i = 0; i < pairs.Count; i++)
        {
            Assert.Equal(scored[i].Score, engine.Predict(pairs[i]).Score, 1e-5f);
        }

        // The second text is read as its own segment: swapping the two texts changes the score.
        var swapped = engine.Predict(new Pair { First = pairs[0].Second, Second = pairs[0].First });
        Assert.NotEqual(scored[0].Score, swapped.Score);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Cancellation_stops_training_between_steps(bool fromScratch)
    {
        var ml = new MLContext(seed: 1);
        var rows = UciSentiment.Load().Take(64).Select(s => new Row { Text = s.Text, Label = s.Positive }).ToArray();
        using var cancel = new CancellationTokenSource();
        var steps = new Steps { OnReport = r => cancel.Cancel() };
        var trainer = ml.BinaryClassification.Trainers.BertClassifier(new BertClassifierOptions
        {
            FromScratch = fromScratch ? new BertEncoderShape() : null,
            BatchSize = 8, MaxTokens = 32, Seed = 1, Threads = 2, Progress = steps, CancellationToken = cancel.Token,
        });
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Single(steps.Reports);
    }

    [Fact]
    public void Bad_columns_and_options_are_rejected_with_the_name_of_what_is_wrong()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Row { Text = "a", Label = true }, new Row { Text = "b", Label = false } });
        var missing = Assert.Throws<ArgumentException>(() => ml.BinaryClassification.Trainers.BertClassifier(new BertClassifierOptions { TextColumnName = "Body" }).Fit(data));
        Assert.Contains("'Body'", missing.Message, StringComparison.Ordinal);
        var multiclass = Assert.Throws<ArgumentException>(() => ml.MulticlassClassification.Trainers.BertClassifier().Fit(data));
        Assert.Contains("MapValueToKey", multiclass.Message, StringComparison.Ordinal);
        var rate = Assert.Throws<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.BertClassifier(new BertClassifierOptions { LearningRate = 0 }));
        Assert.Equal("LearningRate", rate.ParamName);
        var pooling = Assert.Throws<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.BertClassifier(new BertClassifierOptions { Pooling = BertPooling.Max }));
        Assert.Equal("Pooling", pooling.ParamName);
    }

    private sealed class Pair
    {
        public string First { get; set; } = string.Empty;

        public string Second { get; set; } = string.Empty;

        public bool Label { get; set; }
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}

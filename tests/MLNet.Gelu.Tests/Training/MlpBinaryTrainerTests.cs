using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;
using Xunit.Abstractions;

namespace MLNet.Gelu.Tests.Training;

public class MlpBinaryTrainerTests(ITestOutputHelper output)
{
    private static MlpOptions Options(int seed = 3) => new()
    {
        HiddenLayerSizes = [16], Epochs = 40, BatchSize = 16, LearningRate = 0.01, Seed = seed, NumberOfThreads = 1,
    };

    [Fact]
    public void Sentiment_from_a_bag_of_words_is_learned_and_evaluates()
    {
        var ml = new MLContext(seed: 1);
        var split = ml.Data.TrainTestSplit(MlpTestData.Sentences(ml), testFraction: 0.2, seed: 1);
        var words = new TextFeaturizingEstimator.Options
        {
            WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 1 },
            CharFeatureExtractor = null,
        };
        var options = new MlpOptions { HiddenLayerSizes = [32], Epochs = 8, BatchSize = 32, Seed = 1, NumberOfThreads = 2, Dropout = 0.3 };
        var model = ml.Transforms.Text.FeaturizeText("Features", words, "Text")
            .Append(ml.BinaryClassification.Trainers.Mlp(options))
            .Fit(split.TrainSet);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet));
        output.WriteLine($"UCI sentiment, bag of words: test accuracy {metrics.Accuracy:P2}, AUC {metrics.AreaUnderRocCurve:F3}, log-loss {metrics.LogLoss:F3}.");

        Assert.True(metrics.Accuracy >= 0.75, $"Test accuracy {metrics.Accuracy:P2}, AUC {metrics.AreaUnderRocCurve:F3}.");
        Assert.True(metrics.AreaUnderRocCurve >= 0.85, $"Test AUC {metrics.AreaUnderRocCurve:F3}.");
        Assert.True(metrics.LogLoss < 0.7, $"Log-loss {metrics.LogLoss:F3}.");
    }

    [Fact]
    public void Columns_have_the_types_of_a_calibrated_binary_classifier_and_agree_with_each_other()
    {
        var ml = new MLContext(seed: 1);
        var data = IsVirginica(ml);
        var scored = ml.BinaryClassification.Trainers.Mlp(Options()).Fit(data).Transform(data);
        Assert.Equal(NumberDataViewType.Single, scored.Schema["Score"].Type);
        Assert.Equal(NumberDataViewType.Single, scored.Schema["Probability"].Type);
        Assert.Equal(BooleanDataViewType.Instance, scored.Schema["PredictedLabel"].Type);

        var score = scored.GetColumn<float>("Score").ToArray();
        var probability = scored.GetColumn<float>("Probability").ToArray();
        var predicted = scored.GetColumn<bool>("PredictedLabel").ToArray();
        for (int i = 0; i < score.Length; i++)
        {
            Assert.Equal(1 / (1 + Math.Exp(-score[i])), probability[i], 1e-6); // Single rounding: a tolerance, not decimal places
            Assert.Equal(score[i] > 0, predicted[i]);
        }
    }

    [Fact]
    public void Cross_validation_and_permutation_feature_importance_work()
    {
        var ml = new MLContext(seed: 1);
        var data = IsVirginica(ml);
        var trainer = ml.BinaryClassification.Trainers.Mlp(Options());
        var folds = ml.BinaryClassification.CrossValidate(data, trainer, numberOfFolds: 3);
        Assert.All(folds, f => Assert.True(f.Metrics.Accuracy >= 0.85, $"Fold accuracy {f.Metrics.Accuracy:P2}."));

        var model = trainer.Fit(data);
        var importance = ml.BinaryClassification.PermutationFeatureImportance(model, data, permutationCount: 2);
        Assert.Equal(4, importance.Length);
        Assert.True(importance.Max(i => -i.AreaUnderRocCurve.Mean) > 0, "Permuting some feature should lower the AUC.");
    }

    [Fact]
    public void Same_seed_gives_identical_probabilities()
    {
        float[] Run(int seed)
        {
            var ml = new MLContext(seed: seed);
            var data = IsVirginica(ml);
            return ml.BinaryClassification.Trainers.Mlp(Options(11)).Fit(data).Transform(data).GetColumn<float>("Probability").ToArray();
        }

        Assert.Equal(Run(1), Run(2));
    }

    [Fact]
    public void Prediction_engine_scores_each_row_afresh_and_agrees_with_transform()
    {
        var ml = new MLContext(seed: 1);
        var data = IsVirginica(ml);
        var model = ml.BinaryClassification.Trainers.Mlp(Options()).Fit(data);
        var expected = model.Transform(data).GetColumn<float>("Probability").ToArray();
        using var engine = ml.Model.CreatePredictionEngine<VirginicaRow, VirginicaPrediction>(model, new PredictionEngineOptions { OwnsTransformer = false });
        var rows = ml.Data.CreateEnumerable<VirginicaRow>(data, reuseRowObject: false).ToArray();
        for (int i = 0; i < rows.Length; i += 5)
        {
            var prediction = engine.Predict(rows[i]);
            Assert.Equal(expected[i], prediction.Probability);
            Assert.Equal(prediction.Score > 0, prediction.PredictedLabel);
        }

        Assert.Contains(true, rows.Select(r => engine.Predict(r).PredictedLabel));
        Assert.Contains(false, rows.Select(r => engine.Predict(r).PredictedLabel));
    }

    [Fact]
    public void Progress_is_reported_and_cancellation_stops_fit()
    {
        var ml = new MLContext(seed: 1);
        var data = IsVirginica(ml);
        var epochs = new List<int>();
        var options = Options();
        options.Epochs = 5;
        options.Progress = new SynchronousProgress(p => epochs.Add(p.Epoch));
        ml.BinaryClassification.Trainers.Mlp(options).Fit(data);
        Assert.Equal([1, 2, 3, 4, 5], epochs);

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        options.CancellationToken = cancelled.Token;
        Assert.ThrowsAny<OperationCanceledException>(() => ml.BinaryClassification.Trainers.Mlp(options).Fit(data));
    }

    internal static IDataView IsVirginica(MLContext ml)
    {
        var rows = Datasets.Iris.Load().Select(f => new VirginicaRow
        {
            Features = [f.SepalLength, f.SepalWidth, f.PetalLength, f.PetalWidth],
            Label = f.Species.EndsWith("virginica", StringComparison.Ordinal),
        });
        var raw = ml.Data.LoadFromEnumerable(rows);
        return ml.Transforms.NormalizeMeanVariance("Features").Fit(raw).Transform(raw);
    }

    internal sealed class VirginicaRow
    {
        [VectorType(4)]
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    internal sealed class VirginicaPrediction
    {
        public float Score { get; set; }

        public float Probability { get; set; }

        public bool PredictedLabel { get; set; }
    }

    private sealed class SynchronousProgress(Action<MlpProgress> report) : IProgress<MlpProgress>
    {
        public void Report(MlpProgress value) => report(value);
    }
}

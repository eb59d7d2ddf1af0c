using MLNet.Gelu.Tests.TestSupport;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit.Abstractions;

namespace MLNet.Gelu.Tests.Training;

public class MlpMulticlassTrainerTests(ITestOutputHelper output)
{
    private static MlpOptions IrisOptions(int seed = 3) => new()
    {
        HiddenLayerSizes = [16], Epochs = 100, BatchSize = 16, LearningRate = 0.01, Seed = seed, NumberOfThreads = 1,
    };

    [Fact]
    public void Iris_cross_validated_accuracy_is_at_least_95_percent()
    {
        var ml = new MLContext(seed: 1);
        var data = MlpTestData.Iris(ml);
        var results = ml.MulticlassClassification.CrossValidate(data, ml.MulticlassClassification.Trainers.Mlp(IrisOptions()), numberOfFolds: 5);
        double accuracy = results.Average(r => r.Metrics.MicroAccuracy);
        string folds = string.Join(", ", results.Select(r => r.Metrics.MicroAccuracy.ToString("P1", System.Globalization.CultureInfo.InvariantCulture)));
        output.WriteLine($"Iris, 5-fold cross-validation: micro accuracy {accuracy:P2} (folds {folds}).");
        Assert.True(accuracy >= 0.95, $"5-fold micro accuracy {accuracy:P2}.");
        Assert.All(results, r => Assert.IsType<MlpMulticlassPredictionTransformer>(r.Model));
    }

    [Fact]
    public void Predicted_label_maps_back_to_the_species_names_and_matches_the_argmax_of_the_score()
    {
        var ml = new MLContext(seed: 1);
        var pipeline = MlpTestData.IrisPreparation(ml)
            .Append(ml.MulticlassClassification.Trainers.Mlp(IrisOptions()))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedSpecies", "PredictedLabel"));
        var raw = MlpTestData.IrisRaw(ml);
        var scored = pipeline.Fit(raw).Transform(raw);

        var schema = scored.Schema;
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), schema["Score"].Type);
        Assert.Equal(new KeyDataViewType(typeof(uint), 3), schema["PredictedLabel"].Type);
        var slotNames = default(VBuffer<ReadOnlyMemory<char>>);
        schema["Score"].GetSlotNames(ref slotNames);
        Assert.Equal(["setosa", "versicolor", "virginica"], slotNames.DenseValues().Select(v => v.ToString()));

        var species = scored.GetColumn<string>("PredictedSpecies").ToArray();
        var scores = scored.GetColumn<float[]>("Score").ToArray();
        Assert.Equal(150, species.Length);
        for (int i = 0; i < species.Length; i++)
        {
            Assert.Equal(slotNames.GetItemOrDefault(Array.IndexOf(scores[i], scores[i].Max())).ToString(), species[i]);
            Assert.Equal(1f, scores[i].Sum(), 5);
        }

        Assert.True(species.Count(s => s == "setosa") is >= 45 and <= 55);
    }

    [Fact]
    public void Evaluate_works_on_a_held_out_split_and_the_validation_overload_logs_validation_accuracy()
    {
        var ml = new MLContext(seed: 1);
        var lines = LogLines.Of(ml);
        var split = ml.Data.TrainTestSplit(MlpTestData.Iris(ml), testFraction: 0.3, seed: 5);
        var model = ml.MulticlassClassification.Trainers.Mlp(IrisOptions()).Fit(split.TrainSet, split.TestSet);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
        Assert.True(metrics.MicroAccuracy >= 0.9, $"Test accuracy {metrics.MicroAccuracy:P2}.");

        var epochs = lines.Where(l => l.Contains("MLP epoch", StringComparison.Ordinal)).ToArray();
        Assert.Equal(100, epochs.Length);
        Assert.Contains("validation loss", epochs[^1], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("hidden layers [16]", StringComparison.Ordinal));
    }

    [Fact]
    public void Same_seed_gives_identical_predictions()
    {
        var first = Scores(new MLContext(seed: 1), 7);
        var second = Scores(new MLContext(seed: 99), 7);
        var other = Scores(new MLContext(seed: 1), 8);
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);

        static float[] Scores(MLContext ml, int seed)
        {
            var data = MlpTestData.Iris(ml);
            return ml.MulticlassClassification.Trainers.Mlp(IrisOptions(seed)).Fit(data).Transform(data)
                .GetColumn<float[]>("Score").SelectMany(s => s).ToArray();
        }
    }

    [Fact]
    public void Unseeded_options_take_the_seed_of_the_MLContext()
    {
        float[] Scores(int contextSeed)
        {
            var ml = new MLContext(seed: contextSeed);
            var data = MlpTestData.Iris(ml);
            var options = IrisOptions();
            options.Seed = null;
            options.Epochs = 3;
            return ml.MulticlassClassification.Trainers.Mlp(options).Fit(data).Transform(data).GetColumn<float[]>("Score").SelectMany(s => s).ToArray();
        }

        Assert.Equal(Scores(4), Scores(4));
        Assert.NotEqual(Scores(4), Scores(5));
    }

    [Fact]
    public void Prediction_engine_gives_the_same_scores_as_transform()
    {
        var ml = new MLContext(seed: 1);
        var raw = MlpTestData.IrisRaw(ml);
        var model = MlpTestData.IrisPreparation(ml).Append(ml.MulticlassClassification.Trainers.Mlp(IrisOptions())).Fit(raw);
        var expected = model.Transform(raw).GetColumn<float[]>("Score").ToArray();
        using var engine = ml.Model.CreatePredictionEngine<MlpTestData.IrisRow, IrisPrediction>(model);
        var flowers = ml.Data.CreateEnumerable<MlpTestData.IrisRow>(raw, reuseRowObject: false).ToArray();
        for (int i = 0; i < flowers.Length; i += 7)
        {
            Assert.Equal(expected[i], engine.Predict(flowers[i]).Score);
        }
    }

    [Fact]
    public void Permutation_feature_importance_ranks_petal_measures_above_sepal_width()
    {
        var ml = new MLContext(seed: 1);
        var data = MlpTestData.Iris(ml);
        var model = ml.MulticlassClassification.Trainers.Mlp(IrisOptions()).Fit(data);
        var importance = ml.MulticlassClassification.PermutationFeatureImportance(model, data, permutationCount: 2);
        Assert.Equal(4, importance.Length);
        double sepalWidth = importance[1].MicroAccuracy.Mean, petalLength = importance[2].MicroAccuracy.Mean;
        Assert.True(petalLength < sepalWidth, $"Accuracy change: petal length {petalLength}, sepal width {sepalWidth}.");
    }

    [Fact]
    public void Output_schema_of_the_estimator_matches_the_fitted_transformer()
    {
        var ml = new MLContext(seed: 1);
        var data = MlpTestData.Iris(ml);
        var trainer = ml.MulticlassClassification.Trainers.Mlp(IrisOptions());
        var shape = trainer.GetOutputSchema(TestSupport.TransformerChecks.ShapeOf(data.Schema));
        var schema = trainer.Fit(data).GetOutputSchema(data.Schema);
        foreach (var name in new[] { "Score", "PredictedLabel" })
        {
            var column = shape.Single(c => c.Name == name);
            var type = schema[name].Type;
            Assert.Equal(column.Kind == SchemaShape.Column.VectorKind.Vector, type is VectorDataViewType);
            Assert.Equal(column.IsKey, type is KeyDataViewType);
            Assert.Equal(column.ItemType.RawType, (type is VectorDataViewType v ? v.ItemType : type).RawType);
        }
    }

    [Fact]
    public void Simple_overload_trains_and_the_transformer_passes_the_shared_estimator_checks()
    {
        var ml = new MLContext(seed: 1);
        var data = MlpTestData.Iris(ml);
        var trainer = ml.MulticlassClassification.Trainers.Mlp(hiddenLayerSizes: [8], activation: Activation.GeluTanh);
        var model = TestSupport.TransformerChecks.CheckEstimator(trainer, data);
        Assert.Equal([8], model.Model.HiddenLayerSizes);
        Assert.Equal(Activation.GeluTanh, model.Model.Activation);
        Assert.Equal("Features", model.FeatureColumnName);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 4), model.FeatureColumnType);
    }

    private sealed class IrisPrediction
    {
        public float[] Score { get; set; } = [];
    }
}

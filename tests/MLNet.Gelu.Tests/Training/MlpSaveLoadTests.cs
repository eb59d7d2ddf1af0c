using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Persistence;
using MLNet.Gelu.Tests.TestSupport;

namespace MLNet.Gelu.Tests.Training;

public class MlpSaveLoadTests
{
    public static TheoryData<Activation> AllActivations => new(Enum.GetValues<Activation>());

    [Fact]
    public void Plain_load_in_a_fresh_context_returns_a_built_in_model_that_evaluates_like_the_original()
    {
        var ml = new MLContext(seed: 1);
        var raw = MlpTestData.IrisRaw(ml);
        var model = MlpTestData.IrisPreparation(ml)
            .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [16, 8], Epochs = 40, LearningRate = 0.01, Seed = 2 }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedSpecies", "PredictedLabel"))
            .Fit(raw);

        var loaded = TransformerChecks.CheckSaveLoad(model, raw, relativeTolerance: 1e-5, absoluteTolerance: 1e-6);
        Assert.Empty(ModelTree.Find<MlpMulticlassPredictionTransformer>(loaded));
        Assert.Equal(model.Transform(raw).GetColumn<string>("PredictedSpecies"), loaded.Transform(raw).GetColumn<string>("PredictedSpecies"));

        var fresh = new MLContext();
        var expected = fresh.MulticlassClassification.Evaluate(model.Transform(raw));
        var actual = fresh.MulticlassClassification.Evaluate(loaded.Transform(raw));
        Assert.Equal(expected.MicroAccuracy, actual.MicroAccuracy);
        Assert.Equal(expected.LogLoss, actual.LogLoss, 1e-5);
    }

    [Fact]
    public void Plain_load_of_a_binary_model_keeps_score_probability_and_predicted_label()
    {
        var ml = new MLContext(seed: 1);
        var data = MlpBinaryTrainerTests.IsVirginica(ml);
        var model = ml.BinaryClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [8], Epochs = 30, LearningRate = 0.01, Seed = 2 }).Fit(data);

        var loaded = TransformerChecks.CheckSaveLoad(model, data, relativeTolerance: 1e-5, absoluteTolerance: 1e-6);
        var expected = ml.BinaryClassification.Evaluate(model.Transform(data));
        var actual = new MLContext().BinaryClassification.Evaluate(loaded.Transform(data));
        Assert.Equal(expected.Accuracy, actual.Accuracy);
        Assert.Equal(expected.AreaUnderRocCurve, actual.AreaUnderRocCurve, 1e-6);
    }

    [Fact]
    public void LoadWithActivations_returns_the_native_transformers_with_identical_outputs()
    {
        var ml = new MLContext(seed: 1);
        var raw = MlpTestData.IrisRaw(ml);
        var model = MlpTestData.IrisPreparation(ml)
            .Append(ml.Transforms.ApplyActivation("Features", activation: Activation.Silu))
            .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [16], Epochs = 20, LearningRate = 0.01, Seed = 2 }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
            .Fit(raw);

        var loaded = TransformerChecks.CheckSaveLoad(
            model, raw, relativeTolerance: 0,
            save: (context, m, schema, stream) => context.Model.SaveWithActivations(m, schema, stream),
            load: (context, stream) => context.Model.LoadWithActivations(stream, out _));

        var native = Assert.Single(ModelTree.Find<MlpMulticlassPredictionTransformer>(loaded)).Transformer;
        Assert.Single(ModelTree.Find<ActivationTransformer>(loaded));
        Assert.Equal(3, native.Model.ClassCount);
        var original = Assert.Single(ModelTree.Find<MlpMulticlassPredictionTransformer>(model)).Transformer;
        Assert.Equal(original.Model.GetWeights(0).ToArray(), native.Model.GetWeights(0).ToArray());
    }

    [Fact]
    public void A_binary_model_saved_alone_comes_back_native_and_saves_again()
    {
        var ml = new MLContext(seed: 1);
        var data = MlpBinaryTrainerTests.IsVirginica(ml);
        var model = ml.BinaryClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [8], Epochs = 10, Seed = 2 }).Fit(data);
        var loaded = TransformerChecks.CheckSaveLoad(
            model, data, relativeTolerance: 0,
            save: (context, m, schema, stream) => context.Model.SaveWithActivations(m, schema, stream),
            load: (context, stream) => context.Model.LoadWithActivations(stream, out _));
        Assert.IsType<MlpBinaryPredictionTransformer>(loaded);
        TransformerChecks.CheckSaveLoad(loaded, data, relativeTolerance: 1e-5, absoluteTolerance: 1e-6);
    }

    [Theory]
    [MemberData(nameof(AllActivations))]
    public void The_onnx_graph_computes_every_activation_like_the_native_model(Activation activation)
    {
        var ml = new MLContext(seed: 1);
        var data = MlpBinaryTrainerTests.IsVirginica(ml);
        var options = new MlpOptions { HiddenLayerSizes = [12, 6], Activation = activation, Epochs = 15, LearningRate = 0.02, Seed = 4 };
        var model = ml.BinaryClassification.Trainers.Mlp(options).Fit(data);
        TransformerChecks.CheckSaveLoad(model, data, relativeTolerance: 1e-5, absoluteTolerance: 1e-5);
    }
}

using Microsoft.ML;
using MLNet.Gelu.Datasets;
using Xunit.Abstractions;

namespace MLNet.Gelu.Bert.Tests.Transforms;

/// <summary>
/// The two capabilities in one ML.NET pipeline: BERT embeddings of the UCI sentiment corpus feed the binary MLP trainer
/// (text → ScoreBert → Mlp), evaluated on a held-out fifth with ML.NET's own evaluator.
/// </summary>
public class SentimentMlpTests(ITestOutputHelper output)
{
    private sealed class Row
    {
        public string Text { get; set; } = string.Empty;

        public bool Label { get; set; }
    }

    [Fact]
    public void Binary_mlp_on_MiniLM_embeddings_classifies_UCI_sentiment()
    {
        var ml = new MLContext(seed: 1);
        var rows = UciSentiment.Load().Select(s => new Row { Text = s.Text, Label = s.Positive }).ToArray();
        var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(rows), testFraction: 0.2, seed: 1);

        using var embedding = ml.Transforms.ScoreBert("Features", "Text", Scoring.Options).Fit(split.TrainSet);
        var train = ml.Data.Cache(embedding.Transform(split.TrainSet));
        var trainer = ml.BinaryClassification.Trainers.Mlp(new MlpOptions
        {
            HiddenLayerSizes = [128],
            Activation = Activation.Gelu,
            Epochs = 30,
            Seed = 1,
            NumberOfThreads = 2,
        });
        var head = trainer.Fit(train);

        var metrics = ml.BinaryClassification.Evaluate(head.Transform(embedding.Transform(split.TestSet)));
        output.WriteLine($"UCI sentiment, MiniLM embeddings -> MLP(128, GELU): accuracy {metrics.Accuracy:P2}, AUC {metrics.AreaUnderRocCurve:F4}, F1 {metrics.F1Score:F4}");
        Assert.True(metrics.Accuracy >= 0.85, $"accuracy {metrics.Accuracy:P2} (expected at least 85 %; about 90 % measured)");
        Assert.True(metrics.AreaUnderRocCurve >= 0.92, $"AUC {metrics.AreaUnderRocCurve:F4}");
    }
}

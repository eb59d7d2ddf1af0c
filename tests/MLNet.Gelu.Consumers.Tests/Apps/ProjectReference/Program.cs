// BERT scoring, MLP training and SaveWithActivations from a project outside the repository: the three places where a
// version resolved differently from the library's own build used to fail (System.Numerics.Tensors, Google.Protobuf).
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu;
using MLNet.Gelu.Bert;

var mlContext = new MLContext(seed: 1);

string[] sentences = ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."];
var texts = mlContext.Data.LoadFromEnumerable(sentences.Select(s => new Sentence { Text = s }));
using var bert = mlContext.Transforms.ScoreBert("Embedding", "Text").Fit(texts);
var vectors = bert.Transform(texts).GetColumn<float[]>("Embedding").ToArray();
Console.WriteLine($"bert: {vectors.Length} x {vectors[0].Length}, cos(0,1) = {System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(vectors[0], vectors[1]):F4}");

var random = new Random(1);
var rows = Enumerable.Range(0, 200).Select(_ =>
{
    float a = (float)random.NextDouble() * 2 - 1, b = (float)random.NextDouble() * 2 - 1;
    return new Point { Features = [a, b], Label = a + 2 * b > 0.1f };
}).ToList();
var points = mlContext.Data.LoadFromEnumerable(rows);
var mlp = mlContext.BinaryClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [16], Epochs = 200, Seed = 1 }).Fit(points);
var metrics = mlContext.BinaryClassification.Evaluate(mlp.Transform(points));
Console.WriteLine($"mlp: accuracy {metrics.Accuracy:F3}");

string path = Path.Combine(Path.GetTempPath(), $"mlnet-gelu-projectreference-{Environment.ProcessId}.zip");
try
{
    mlContext.Model.SaveWithActivations(mlp, points.Schema, path);
    var loaded = mlContext.Model.LoadWithActivations(path, out _);
    var again = mlContext.BinaryClassification.Evaluate(loaded.Transform(points));
    Console.WriteLine($"saved and loaded: accuracy {again.Accuracy:F3}");
}
finally
{
    File.Delete(path);
}

internal sealed class Sentence
{
    public string Text { get; set; } = "";
}

internal sealed class Point
{
    [VectorType(2)]
    public float[] Features { get; set; } = [];

    public bool Label { get; set; }
}

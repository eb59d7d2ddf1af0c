using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Tests.Persistence;
using MLNet.Gelu.Tests.TestSupport;

namespace MLNet.Gelu.Tests.Training;

public sealed class MlpSeparateProcessLoadTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mlnet-gelu-mlp-process-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void An_app_without_the_library_loads_and_scores_a_saved_mlp()
    {
        var ml = new MLContext(seed: 1);
        var data = MlpTestData.Iris(ml);
        var model = ml.MulticlassClassification.Trainers.Mlp(new MlpOptions { HiddenLayerSizes = [16], Epochs = 20, LearningRate = 0.01, Seed = 2 }).Fit(data);
        string modelPath = Path.Combine(_directory, "model.zip");
        ml.Model.SaveWithActivations(model, data.Schema, modelPath);

        var inputs = data.GetColumn<float[]>("Features").ToArray();
        string inputPath = Path.Combine(_directory, "input.tsv");
        File.WriteAllLines(inputPath, inputs.Select(row => string.Join('\t', row.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
        var expected = model.Transform(data).GetColumn<float[]>("Score").ToArray();

        var lines = SeparateProcessLoadTests.Run(modelPath, inputPath, "Features", "Score");
        Assert.Equal("assemblies:", lines[0]);
        Assert.Equal(expected.Length, lines.Length - 1);
        for (int r = 0; r < expected.Length; r++)
        {
            var actual = lines[r + 1].Split('\t').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(3, actual.Length);
            for (int i = 0; i < actual.Length; i++)
            {
                DataViewValues.AssertFloat(expected[r][i], actual[i], 1e-5, $"row {r}, slot {i}", absoluteFloor: 1e-6);
            }
        }
    }
}

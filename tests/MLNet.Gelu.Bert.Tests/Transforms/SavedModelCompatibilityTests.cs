using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Gelu.Bert.Tests.Transforms;

/// <summary>
/// A model saved by MLNet.Gelu 0.1.0 (Fixtures/0.1.0: the toy BERT scored by ScoreBert, an exact GELU and a SiLU
/// transform, and a binary MLP, saved with SaveWithActivations), with the outputs 0.1.0 computed for its texts. Every
/// later version must restore it and reproduce them: users keep their saved models across upgrades.
/// </summary>
public class SavedModelCompatibilityTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "0.1.0");

    [Fact]
    public void A_model_saved_by_0_1_0_loads_and_gives_the_outputs_0_1_0_gave()
    {
        var ml = new MLContext(seed: 1);
        var expected = File.ReadAllLines(Path.Combine(Folder, "toy-bert-gelu-mlp.expected.tsv")).Skip(1)
            .Select(line => line.Split('\t')).ToArray();
        var data = ml.Data.LoadFromEnumerable(expected.Select(e => new Row { Text = e[0] }));

        var model = ml.Model.LoadWithActivations(Path.Combine(Folder, "toy-bert-gelu-mlp.zip"), out var schema);
        var scored = model.Transform(data);

        Assert.NotNull(schema.GetColumnOrNull("Text"));
        var dropped = scored.GetColumn<int>("Dropped").ToArray();
        var score = scored.GetColumn<float>("Score").ToArray();
        var probability = scored.GetColumn<float>("Probability").ToArray();
        var columns = new[] { "Embedding", "Hidden", "Features" }.Select(c => scored.GetColumn<float[]>(c).ToArray()).ToArray();
        Assert.Equal(expected.Length, score.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(int.Parse(expected[i][1], CultureInfo.InvariantCulture), dropped[i]);
            AssertClose(Parse(expected[i][2]), score[i], $"Score of '{expected[i][0]}'");
            AssertClose(Parse(expected[i][3]), probability[i], $"Probability of '{expected[i][0]}'");
            for (int c = 0; c < columns.Length; c++)
            {
                var values = expected[i][4 + c].Split(' ').Select(Parse).ToArray();
                Assert.Equal(values.Length, columns[c][i].Length);
                for (int k = 0; k < values.Length; k++)
                {
                    AssertClose(values[k], columns[c][i][k], $"column {c} of '{expected[i][0]}', slot {k}");
                }
            }
        }

        (model as IDisposable)?.Dispose();
    }

    private static float Parse(string value) => float.Parse(value, CultureInfo.InvariantCulture);

    private static void AssertClose(float expected, float actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-6f * Math.Max(1f, Math.Abs(expected)), $"{what}: 0.1.0 gave {expected:R}, now {actual:R}.");

    public sealed class Row
    {
        public string? Text { get; set; }
    }
}

namespace MLNet.Gelu.Bert.Tests.Transforms;

public class QuickStartTests
{
    [Fact]
    public void QuickStart_prints_the_similarity_matrix_and_the_activation_swap_table()
    {
        using var output = new StringWriter();
        QuickStart.Demo.Run(output, new QuickStart.DemoSettings { SpeedSentences = 40, Threads = 2 });
        var lines = output.ToString().Split('\n', StringSplitOptions.TrimEntries);

        // Paraphrases are closer to each other than to the other topics.
        var matrix = lines.Where(l => l.EndsWith('.') && l.StartsWith("1.00", StringComparison.Ordinal) || l.Contains(" 1.00 ", StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(6).Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
        Assert.Equal(6, matrix.Length);
        for (var i = 0; i < 6; i++)
        {
            var partner = i ^ 1;
            Assert.Equal(1.0, matrix[i][i], 2);
            Assert.All(Enumerable.Range(0, 6).Where(j => j != i && j != partner), j => Assert.True(matrix[i][partner] > matrix[i][j] + 0.2));
        }

        double MeanCosine(string name) => double.Parse(
            lines.Single(l => l.StartsWith(name + " ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[^3],
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(1.0, MeanCosine("Gelu (model)"), 6);
        Assert.True(MeanCosine("GeluTanh") >= 0.9999);
        Assert.InRange(MeanCosine("GeluSigmoid"), 0.98, 0.99999);
        Assert.True(MeanCosine("Relu") < 0.9);
    }
}

using System.Text.Json;

namespace MLNet.Gelu.Datasets;

/// <summary>One iris flower (centimetres).</summary>
/// <param name="SepalLength">Sepal length.</param>
/// <param name="SepalWidth">Sepal width.</param>
/// <param name="PetalLength">Petal length.</param>
/// <param name="PetalWidth">Petal width.</param>
/// <param name="Species">setosa, versicolor or virginica.</param>
public sealed record IrisFlower(float SepalLength, float SepalWidth, float PetalLength, float PetalWidth, string Species);

/// <summary>Fisher's iris data set: 150 flowers, 50 per species.</summary>
public static class Iris
{
    private static readonly Lazy<IReadOnlyList<IrisFlower>> Flowers = new(Read);

    /// <summary>Loads the 150 flowers in file order.</summary>
    public static IReadOnlyList<IrisFlower> Load() => Flowers.Value;

    private static IReadOnlyList<IrisFlower> Read()
    {
        var path = Path.Combine(Pins.Iris.Extract(), "lib", "data", "iris.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.EnumerateArray()
            .Select(r => new IrisFlower(r[0].GetSingle(), r[1].GetSingle(), r[2].GetSingle(), r[3].GetSingle(), r[4].GetString()!))
            .ToArray();
    }
}

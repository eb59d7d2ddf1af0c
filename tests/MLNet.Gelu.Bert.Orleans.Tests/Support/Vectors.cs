using Microsoft.Extensions.AI;

namespace MLNet.Gelu.Bert.Orleans.Tests.Support;

internal static class Vectors
{
    /// <summary>Asserts that embedding <c>i</c> equals <paramref name="alone"/> of text <c>i</c> within <paramref name="tolerance"/>.</summary>
    public static void AssertEqualsAlone(IReadOnlyList<string?> texts, IReadOnlyList<Embedding<float>> embeddings, Func<string?, float[]> alone, float tolerance = 1e-5f)
    {
        Assert.Equal(texts.Count, embeddings.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            var expected = alone(texts[i]);
            var actual = embeddings[i].Vector.Span;
            Assert.Equal(expected.Length, actual.Length);
            var difference = 0f;
            for (var j = 0; j < expected.Length; j++)
            {
                difference = Math.Max(difference, Math.Abs(expected[j] - actual[j]));
            }

            Assert.True(difference <= tolerance, $"text {i} ('{texts[i]}'): max abs difference {difference}");
        }
    }
}

namespace MLNet.Gelu.Benchmarks;

/// <summary>Deterministic benchmark inputs.</summary>
internal static class BenchmarkInputs
{
    /// <summary>Fills <paramref name="values"/> with uniform values in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    public static void FillUniform(Span<float> values, float min, float max, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = min + (max - min) * random.NextSingle();
        }
    }
}

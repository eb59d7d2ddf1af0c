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

    /// <summary>
    /// Parameter values from a comma-separated environment variable (for a focused run, e.g.
    /// <c>MLNET_GELU_BENCH_LENGTHS=4194304</c>), or <paramref name="defaults"/> when it is not set.
    /// </summary>
    public static IEnumerable<T> FromEnvironment<T>(string variable, IEnumerable<T> defaults, Func<string, T> parse)
    {
        string? value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return defaults;
        }

        try
        {
            return value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(parse).ToArray();
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            throw new ArgumentException($"{variable}='{value}' is not a comma-separated list of {typeof(T).Name} values: {e.Message}", e);
        }
    }
}

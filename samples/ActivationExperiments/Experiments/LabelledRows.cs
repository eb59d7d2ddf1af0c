namespace ActivationExperiments.Experiments;

/// <summary>Rows of features, row-major, with a class per row.</summary>
internal sealed record LabelledRows(float[] Features, int FeatureCount, int[] Labels)
{
    public int Count => Labels.Length;

    /// <summary>Takes the given rows in the given order.</summary>
    public static LabelledRows Gather(IReadOnlyList<float[]> rows, IReadOnlyList<int> labels, IEnumerable<int> indices)
    {
        var chosen = indices.ToArray();
        int width = rows[0].Length;
        var features = new float[chosen.Length * width];
        var classes = new int[chosen.Length];
        for (int i = 0; i < chosen.Length; i++)
        {
            rows[chosen[i]].CopyTo(features, i * width);
            classes[i] = labels[chosen[i]];
        }

        return new LabelledRows(features, width, classes);
    }

    /// <summary>A permutation of 0..count−1 from a fixed seed, so every run of the sample uses the same split.</summary>
    public static int[] FixedShuffle(int count, int seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(order);
        return order;
    }
}

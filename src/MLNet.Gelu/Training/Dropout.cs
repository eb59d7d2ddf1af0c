namespace MLNet.Gelu;

/// <summary>Inverted dropout: each unit kept with probability <c>1 − p</c> and scaled by <c>1/(1 − p)</c>, so expectations are unchanged.</summary>
internal static class Dropout
{
    /// <summary>Fills <paramref name="mask"/> with 0 (dropped, probability <paramref name="p"/>) or <c>1/(1 − p)</c>, drawing one
    /// <see cref="RandomSource.NextSingle"/> per element in order.</summary>
    public static void DrawMask(Span<float> mask, float p, ref RandomSource random)
    {
        float keep = 1 / (1 - p);
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = random.NextSingle() < p ? 0f : keep;
        }
    }
}

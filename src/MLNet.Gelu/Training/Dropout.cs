namespace MLNet.Gelu;

/// <summary>Inverted dropout: each unit kept with probability <c>1 − p</c> and scaled by <c>1/(1 − p)</c>, so expectations are unchanged.</summary>
internal static class Dropout
{
    /// <summary>Fills <paramref name="mask"/> with 0 (dropped, probability <paramref name="p"/>) or <c>1/(1 − p)</c>, drawing one
    /// <see cref="RandomSource.NextSingle"/> per element in order.</summary>
    /// <remarks>
    /// Masks are drawn serially (the stream decides every committed result), so this loop is a training step's largest
    /// element-wise cost: the generator is copied into a local that the JIT keeps in registers, and
    /// <c>NextSingle() &lt; p</c>, which is <c>k·2⁻²⁴ &lt; p</c> for the draw's top 24 bits k, is taken as the equivalent
    /// integer test <c>k &lt; ⌈p·2²⁴⌉</c> (p·2²⁴ is exact) without a branch: a dropped unit is as frequent as p.
    /// </remarks>
    public static void DrawMask(Span<float> mask, float p, ref RandomSource random)
    {
        float keep = 1 / (1 - p);
        int keepBits = BitConverter.SingleToInt32Bits(keep);
        ulong threshold = (ulong)Math.Ceiling(p * 16777216.0);
        var local = random;
        for (int i = 0; i < mask.Length; i++)
        {
            // drop is 1 when k < threshold (the difference wraps), else 0; the mask keeps keep's bits only when drop is 0.
            ulong k = local.NextUInt64() >> 40;
            int drop = (int)((k - threshold) >> 63);
            mask[i] = BitConverter.Int32BitsToSingle(keepBits & (drop - 1));
        }

        random = local;
    }
}

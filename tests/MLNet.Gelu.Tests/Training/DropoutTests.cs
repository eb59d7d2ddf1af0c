namespace MLNet.Gelu.Tests.Training;

/// <summary>
/// <see cref="Dropout.DrawMask"/> compares integers instead of floats and keeps the generator in registers; it must still be
/// exactly "one <see cref="RandomSource.NextSingle"/> per element, dropped where it is below p": the masks of every
/// committed training run depend on it.
/// </summary>
public class DropoutTests
{
    [Theory]
    [InlineData(0.1f, 1UL, 1)]
    [InlineData(0.1f, 2UL, 4_099)]
    [InlineData(0.3f, 3UL, 65_536)]
    [InlineData(0.5f, 4UL, 1_000)]
    [InlineData(0.0001f, 5UL, 50_000)]
    [InlineData(0.9999f, 6UL, 50_000)]
    [InlineData(1f / 3, 7UL, 10_001)]
    [InlineData(0.25f, 8UL, 7)]
    public void The_mask_is_one_NextSingle_per_element_in_order_and_the_generator_ends_where_that_leaves_it(float p, ulong seed, int length)
    {
        var random = new RandomSource(seed);
        var reference = new RandomSource(seed);
        var mask = new float[length];
        Dropout.DrawMask(mask, p, ref random);

        float keep = 1 / (1 - p);
        int dropped = 0;
        for (int i = 0; i < length; i++)
        {
            float expected = reference.NextSingle() < p ? 0f : keep;
            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(mask[i]));
            dropped += expected == 0 ? 1 : 0;
        }

        Assert.Equal(reference.NextUInt64(), random.NextUInt64());
        if (length >= 10_000)
        {
            Assert.InRange(dropped / (double)length, p - 0.02, p + 0.02);
        }
    }

    [Fact]
    public void A_probability_on_a_24_bit_boundary_drops_exactly_the_draws_below_it()
    {
        // p = 2⁻² and 3·2⁻²⁴ are exact multiples of NextSingle's step: a draw equal to p is kept (NextSingle() < p is false).
        foreach (float p in new[] { 0.25f, 3f / (1 << 24), 0.5f - (1f / (1 << 24)) })
        {
            var random = new RandomSource(11);
            var reference = new RandomSource(11);
            var mask = new float[100_000];
            Dropout.DrawMask(mask, p, ref random);
            for (int i = 0; i < mask.Length; i++)
            {
                Assert.Equal(reference.NextSingle() < p, mask[i] == 0);
            }
        }
    }
}

namespace MLNet.Gelu.Tests.Training.Encoder;

/// <summary>The optimizer pieces the encoder trainer adds: AdamW's decoupled decay, warm-up, global-norm clipping.</summary>
public class EncoderOptimizerTests
{
    [Fact]
    public void AdamW_decays_only_the_masked_arrays_and_otherwise_matches_Adam()
    {
        float[] decayed = [1f, -2f, 3f], plain = [1f, -2f, 3f], reference = [1f, -2f, 3f];
        float[] g1 = [0.1f, 0.2f, -0.3f], g2 = [0.1f, 0.2f, -0.3f], g3 = [0.1f, 0.2f, -0.3f];
        var adamW = new AdamOptimizer([decayed, plain], [g1, g2], 0.9, 0.999, 1e-8, weightDecay: 0.1, decoupledDecay: [true, false]);
        var adam = new AdamOptimizer([reference], [g3], 0.9, 0.999, 1e-8, weightDecay: 0);
        adamW.Step(0.01);
        adam.Step(0.01);
        Assert.Equal(reference, plain);
        for (int i = 0; i < 3; i++)
        {
            // torch.optim.AdamW: θ·(1 − αλ) first, then the Adam step (first step: α·sign(g) up to ε).
            float expected = ((float)(1 - (0.01 * 0.1)) * new[] { 1f, -2f, 3f }[i]) - (0.01f * MathF.Sign(g1[i]));
            Assert.Equal(expected, decayed[i], 1e-6f);
        }
    }

    [Fact]
    public void Warm_up_rises_linearly_then_decays_linearly_to_zero()
    {
        const double rate = 1e-3;
        Assert.Equal(rate / 10, LearningRates.WithWarmup(LearningRateSchedule.Linear, rate, 0, 110, 10), 1e-12);
        Assert.Equal(rate, LearningRates.WithWarmup(LearningRateSchedule.Linear, rate, 9, 110, 10), 1e-12);
        Assert.Equal(rate, LearningRates.WithWarmup(LearningRateSchedule.Linear, rate, 10, 110, 10), 1e-12);
        Assert.Equal(rate / 2, LearningRates.WithWarmup(LearningRateSchedule.Linear, rate, 60, 110, 10), 1e-12);
        Assert.Equal(0, LearningRates.WithWarmup(LearningRateSchedule.Linear, rate, 110, 110, 10), 1e-12);
        Assert.Equal(rate, LearningRates.WithWarmup(LearningRateSchedule.Linear, rate, 0, 110, 0), 1e-12);
    }

    [Fact]
    public void Clipping_scales_all_gradients_to_the_global_norm_only_when_it_is_exceeded()
    {
        float[] a = [3f, 0f], b = [0f, 4f];
        Assert.Equal(5, GradientClipping.ClipGlobalNorm([a, b], 1.0), 1e-9);
        Assert.Equal(0.6f, a[0], 1e-5f);
        Assert.Equal(0.8f, b[1], 1e-5f);
        Assert.Equal(1, GradientClipping.ClipGlobalNorm([a, b], 2.0), 1e-5);
        Assert.Equal(0.6f, a[0], 1e-5f);
    }
}

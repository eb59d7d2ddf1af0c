
namespace MLNet.Gelu.Tests.Training;

public class AdamOptimizerTests
{
    [Fact]
    public void Steps_follow_the_bias_corrected_update_with_coupled_weight_decay()
    {
        // 19 parameters: the vector body and the scalar tail are both checked.
        const int count = 19;
        var rng = new Random(5);
        float[] theta = Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        float[] grad = new float[count];
        var adam = new AdamOptimizer([theta], [grad], beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01);

        double[] t = theta.Select(v => (double)v).ToArray(), m = new double[count], v = new double[count];
        for (int step = 1; step <= 4; step++)
        {
            for (int i = 0; i < count; i++)
            {
                double gradient = Math.Round(rng.NextDouble() - 0.5, 3);
                grad[i] = (float)gradient;
                double g = gradient + 0.01 * t[i];
                m[i] = 0.9 * m[i] + 0.1 * g;
                v[i] = 0.999 * v[i] + 0.001 * g * g;
                double mHat = m[i] / (1 - Math.Pow(0.9, step));
                double vHat = v[i] / (1 - Math.Pow(0.999, step));
                t[i] -= 0.01 * mHat / (Math.Sqrt(vHat) + 1e-8);
            }

            adam.Step(0.01);
            for (int i = 0; i < count; i++)
            {
                Assert.Equal(t[i], theta[i], tolerance: 1e-5);
            }
        }

        Assert.Equal(4, adam.StepCount);
    }

    [Fact]
    public void First_step_moves_each_parameter_by_about_the_learning_rate()
    {
        // A property of Adam: with bias correction the first step is lr·sign(g) (up to ε).
        float[] theta = [0, 0];
        float[] grad = [1e-3f, -50f];
        new AdamOptimizer([theta], [grad], 0.9, 0.999, 1e-8, 0).Step(0.001);
        Assert.Equal(-0.001, theta[0], tolerance: 1e-7);
        Assert.Equal(0.001, theta[1], tolerance: 1e-7);
    }

    [Theory]
    [InlineData(LearningRateSchedule.Constant, 0, 1.0)]
    [InlineData(LearningRateSchedule.Constant, 75, 1.0)]
    [InlineData(LearningRateSchedule.Cosine, 0, 1.0)]
    [InlineData(LearningRateSchedule.Cosine, 50, 0.5)]
    [InlineData(LearningRateSchedule.Cosine, 100, 0.0)]
    [InlineData(LearningRateSchedule.Linear, 25, 0.75)]
    [InlineData(LearningRateSchedule.Linear, 100, 0.0)]
    public void Schedules_scale_the_rate(LearningRateSchedule schedule, long step, double factor)
        => Assert.Equal(2e-3 * factor, LearningRates.At(schedule, 2e-3, step, 100), 12);
}

namespace MLNet.Gelu;

/// <summary>The learning rate at a step under a <see cref="LearningRateSchedule"/>.</summary>
internal static class LearningRates
{
    public static double At(LearningRateSchedule schedule, double baseRate, long step, long totalSteps)
    {
        double progress = totalSteps <= 0 ? 0 : Math.Min(1.0, (double)step / totalSteps);
        return schedule switch
        {
            LearningRateSchedule.Constant => baseRate,
            LearningRateSchedule.Cosine => baseRate * 0.5 * (1 + Math.Cos(Math.PI * progress)),
            LearningRateSchedule.Linear => baseRate * (1 - progress),
            _ => throw new ArgumentOutOfRangeException(nameof(schedule), schedule, "Unknown learning-rate schedule."),
        };
    }

    /// <summary>
    /// The rate at <paramref name="step"/> with a linear warm-up: <c>lr·(step + 1)/warmup</c> for the first <paramref name="warmupSteps"/>
    /// steps, then <paramref name="schedule"/> over the remaining <c>totalSteps − warmupSteps</c> (BERT's warm-up then linear decay).
    /// </summary>
    public static double WithWarmup(LearningRateSchedule schedule, double baseRate, long step, long totalSteps, long warmupSteps)
        => step < warmupSteps
            ? baseRate * (step + 1) / warmupSteps
            : At(schedule, baseRate, step - warmupSteps, totalSteps - warmupSteps);
}

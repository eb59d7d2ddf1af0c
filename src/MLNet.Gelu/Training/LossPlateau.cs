namespace MLNet.Gelu;

/// <summary>
/// Counts epochs in a row in which a loss did not fall more than a tolerance below its best so far, and says when that
/// count reaches the patience: the test of both early-stopping rules (validation loss, tolerance 0; training loss,
/// <see cref="TrainingPlan.ConvergenceTolerance"/>).
/// </summary>
/// <param name="patience">Epochs without progress before <see cref="Exhausted"/>; 0 never stops.</param>
/// <param name="tolerance">Least fall below the best loss that counts as progress, non-negative.</param>
internal sealed class LossPlateau(int patience, double tolerance)
{
    /// <summary>The lowest loss observed so far.</summary>
    public double Best { get; private set; } = double.PositiveInfinity;

    /// <summary>Epochs in a row without progress.</summary>
    public int EpochsWithoutProgress { get; private set; }

    /// <summary>Whether training should stop: the patience is set and has run out.</summary>
    public bool Exhausted => patience > 0 && EpochsWithoutProgress >= patience;

    /// <summary>Records an epoch's loss.</summary>
    /// <param name="loss">The epoch's loss.</param>
    /// <returns>Whether it is progress: below the best by more than the tolerance (with tolerance 0: a new best).</returns>
    public bool Observe(double loss)
    {
        bool progress = loss < Best - tolerance;
        EpochsWithoutProgress = progress ? 0 : EpochsWithoutProgress + 1;
        Best = Math.Min(Best, loss);
        return progress;
    }
}

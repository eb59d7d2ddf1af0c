namespace MLNet.Gelu;

/// <summary>How the learning rate changes over training, step by step (one step per mini-batch).</summary>
/// <remarks>With <c>t</c> the step index (from 0) and <c>T</c> = epochs (set or automatic, see <see cref="MlpOptions.Epochs"/>) × batches per epoch, the rate at step <c>t</c> is
/// <c>lr</c> (constant), <c>lr·½(1 + cos(π·t/T))</c> (cosine) or <c>lr·(1 − t/T)</c> (linear). Early stopping does not shorten <c>T</c>.</remarks>
public enum LearningRateSchedule
{
    /// <summary>The same rate at every step.</summary>
    Constant = 0,

    /// <summary>Cosine annealing from the rate down towards zero (Loshchilov &amp; Hutter 2017, without restarts).</summary>
    Cosine = 1,

    /// <summary>Linear decay from the rate down towards zero.</summary>
    Linear = 2,
}

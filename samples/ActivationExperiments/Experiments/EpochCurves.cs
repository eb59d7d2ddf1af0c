using MLNet.Gelu;

namespace ActivationExperiments.Experiments;

/// <summary>
/// Collects the per-epoch losses the MLP trainer reports through <see cref="MlpOptions.Progress"/>. Appends on the
/// training thread, as each epoch ends (unlike <see cref="Progress{T}"/>, which posts to the thread pool and may still
/// be running after <c>Fit</c> returns).
/// </summary>
internal sealed class EpochCurves : IProgress<MlpProgress>
{
    /// <summary>Mean training cross-entropy of each epoch.</summary>
    public List<double> TrainingLoss { get; } = [];

    /// <summary>Validation cross-entropy after each epoch (NaN without a validation set).</summary>
    public List<double> ValidationLoss { get; } = [];

    public void Report(MlpProgress value)
    {
        TrainingLoss.Add(value.TrainingLoss);
        ValidationLoss.Add(value.ValidationLoss ?? double.NaN);
    }
}

using Microsoft.ML;

namespace MLNet.Gelu;

/// <summary>
/// The <see cref="TrainerInfo"/> of the MLP trainers. Its constructor is internal to ML.NET, so this borrows the one of
/// ML.NET's L-BFGS maximum-entropy trainer, which states the same: wants normalized features, no calibration needed,
/// caches data, supports a validation set.
/// </summary>
internal static class MlpTrainerInfo
{
    internal static TrainerInfo Instance { get; } = new MLContext().MulticlassClassification.Trainers.LbfgsMaximumEntropy().Info;
}

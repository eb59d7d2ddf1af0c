namespace MLNet.Gelu.Bert;

/// <summary>What the BERT classifier trainers report through <see cref="BertClassifierOptions.Progress"/> after every step.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="EpochCount">Epochs of the run.</param>
/// <param name="Step">Steps done, this one included.</param>
/// <param name="StepCount">Steps of the run.</param>
/// <param name="Loss">Mean cross-entropy of this step's batch.</param>
/// <param name="LearningRate">The rate this step used.</param>
/// <param name="Elapsed">Time since training started (tokenizing included).</param>
public sealed record BertClassifierProgress(int Epoch, int EpochCount, long Step, long StepCount, double Loss, double LearningRate, TimeSpan Elapsed);

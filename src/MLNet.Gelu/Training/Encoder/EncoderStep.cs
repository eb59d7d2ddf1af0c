namespace MLNet.Gelu.Encoder;

/// <summary>One finished training step.</summary>
/// <param name="Epoch">The epoch, from 0.</param>
/// <param name="Step">Steps done so far, this one included.</param>
/// <param name="TotalSteps">Steps of the whole run.</param>
/// <param name="Loss">Mean cross-entropy of the step's batch.</param>
/// <param name="LearningRate">The rate the step used.</param>
internal readonly record struct EncoderStep(int Epoch, long Step, long TotalSteps, double Loss, double LearningRate);

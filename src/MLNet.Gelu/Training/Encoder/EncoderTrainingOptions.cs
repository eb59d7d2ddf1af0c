namespace MLNet.Gelu.Encoder;

/// <summary>How the engine trains an encoder: AdamW with linear warm-up and linear decay, global-norm clipping, length-sorted batches.</summary>
/// <param name="Epochs">Passes over the training examples.</param>
/// <param name="BatchSize">Sequences per mini-batch.</param>
/// <param name="LearningRate">Peak AdamW step size, reached at the end of warm-up.</param>
/// <param name="WarmupFraction">Fraction of all steps spent warming the rate up linearly from near 0.</param>
/// <param name="WeightDecay">AdamW's decoupled decay λ, on matrices and embeddings only.</param>
/// <param name="MaxGradientNorm">Global L2 norm the gradients are clipped to; 0 turns clipping off.</param>
/// <param name="Seed">Seeds initialization, batch order and dropout.</param>
/// <param name="Threads">Threads of the matrix products and attention.</param>
/// <param name="PadTokenId">Token id that fills padding positions.</param>
internal sealed record EncoderTrainingOptions(
    int Epochs = 3,
    int BatchSize = 32,
    double LearningRate = 5e-5,
    double WarmupFraction = 0.1,
    double WeightDecay = 0.01,
    double MaxGradientNorm = 1.0,
    ulong Seed = 1,
    int Threads = 1,
    int PadTokenId = 0)
{
    /// <summary>AdamW's β₁, β₂ and ε (Hugging Face's defaults for BERT fine-tuning).</summary>
    public (double Beta1, double Beta2, double Epsilon) Moments => (0.9, 0.999, 1e-8);
}

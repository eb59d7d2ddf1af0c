using MLNet.Gelu.Encoder;

namespace MLNet.Gelu.Benchmarks.Training;

/// <summary>
/// Multiply-adds of the matrix products of one encoder training step (forward and backward), counted from the
/// encoder's shape and the batch the engine runs; element-wise work (embeddings, LayerNorm, softmax, activation,
/// dropout, AdamW) is left out. Flops are twice the multiply-adds.
/// </summary>
/// <remarks>
/// Per layer, for <c>count</c> sequences padded to <c>n</c> tokens (<c>rows = count · n</c>), width h, feed-forward
/// width i: the Q, K, V and output projections <c>4 · rows · h²</c>; the scores QKᵀ and the context P·V each
/// <c>count · n² · h</c> (all heads together: heads × n² × h/heads); the feed-forward block <c>2 · rows · h · i</c>.
/// The head adds <c>count · h · classes</c>. Backward, every product has two: the weight (or K, V) gradient and the
/// input (or Q, P) gradient, each as large as the forward product; the engine computes both for every layer (the
/// token embeddings are trained), so backward is exactly twice the forward.
/// </remarks>
internal sealed record EncoderStepWork(double Projections, double Scores, double Context, double FeedForward, double Head)
{
    /// <summary>Forward multiply-adds.</summary>
    public double Forward => Projections + Scores + Context + FeedForward + Head;

    /// <summary>Backward multiply-adds: two products per forward product.</summary>
    public double Backward => 2 * Forward;

    /// <summary>Flops of a training step (forward and backward), 2 per multiply-add.</summary>
    public double StepFlops => 2 * (Forward + Backward);

    /// <summary>Flops of a forward pass alone.</summary>
    public double ForwardFlops => 2 * Forward;

    /// <summary>The products the engine runs for <paramref name="count"/> sequences padded to <paramref name="length"/> tokens.</summary>
    public static EncoderStepWork Of(EncoderConfiguration configuration, int count, int length)
    {
        double h = configuration.Hidden, layers = configuration.Layers, rows = (double)count * length;
        return new EncoderStepWork(
            Projections: layers * 4 * rows * h * h,
            Scores: layers * count * (double)length * length * h,
            Context: layers * count * (double)length * length * h,
            FeedForward: layers * 2 * rows * h * configuration.Intermediate,
            Head: count * h * configuration.Classes);
    }

    /// <summary>The useful part: each sequence at its own length, as if no padding were run.</summary>
    public static EncoderStepWork Useful(EncoderConfiguration configuration, IEnumerable<int> lengths) =>
        lengths.Select(n => Of(configuration, 1, n)).Aggregate((a, b) => new EncoderStepWork(
            a.Projections + b.Projections, a.Scores + b.Scores, a.Context + b.Context, a.FeedForward + b.FeedForward, a.Head + b.Head));
}

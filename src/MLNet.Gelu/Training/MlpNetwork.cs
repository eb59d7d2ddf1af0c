using System.Numerics.Tensors;

namespace MLNet.Gelu;

/// <summary>
/// Forward and backward passes of an <see cref="MlpLayers"/> over mini-batches of up to a fixed size, with the buffers they need:
/// pre-activations, (dropped-out) activations and their masks, logits, back-propagated deltas and the parameter gradients.
/// </summary>
internal sealed class MlpNetwork
{
    private readonly MlpLayers layers;
    private readonly int threads;
    private readonly float dropout;
    private readonly float[][] preActivations;
    private readonly float[][] activations;
    private readonly float[][]? masks;
    private readonly float[] logits;
    private readonly float[] deltaA;
    private readonly float[] deltaB;
    private readonly float[] derivative;

    public MlpNetwork(MlpLayers layers, int maxBatch, double dropout, int threads)
    {
        this.layers = layers;
        this.threads = threads;
        this.dropout = (float)dropout;
        MaxBatch = maxBatch;
        int hidden = layers.LayerCount - 1;
        preActivations = new float[hidden][];
        activations = new float[hidden][];
        masks = dropout > 0 ? new float[hidden][] : null;
        for (int h = 0; h < hidden; h++)
        {
            int width = layers.Sizes[h + 1];
            preActivations[h] = new float[maxBatch * width];
            activations[h] = new float[maxBatch * width];
            if (masks is not null)
            {
                masks[h] = new float[maxBatch * width];
            }
        }

        logits = new float[maxBatch * layers.OutputCount];
        int widest = layers.Sizes.Skip(1).Max();
        deltaA = new float[maxBatch * widest];
        deltaB = new float[maxBatch * widest];
        derivative = new float[maxBatch * widest];
        WeightGradients = layers.Weights.Select(w => new float[w.Length]).ToArray();
        BiasGradients = layers.Biases.Select(b => new float[b.Length]).ToArray();
    }

    public int MaxBatch { get; }

    public float[][] WeightGradients { get; }

    public float[][] BiasGradients { get; }

    /// <summary>The logits of the last <see cref="Forward"/>, rows × classes.</summary>
    public ReadOnlySpan<float> Logits(int batch) => logits.AsSpan(0, batch * layers.OutputCount);

    /// <summary>The inverted-dropout mask (0 or 1/(1 − p) per unit) of hidden layer <paramref name="hidden"/> in the last training pass.</summary>
    public ReadOnlySpan<float> DropoutMask(int hidden, int batch)
        => masks is null ? ReadOnlySpan<float>.Empty : masks[hidden].AsSpan(0, batch * layers.Sizes[hidden + 1]);

    /// <summary>
    /// Runs the batch <paramref name="x"/> (batch × inputs) through every layer. With <paramref name="training"/> set and dropout on,
    /// draws a new inverted-dropout mask for every hidden unit from <paramref name="random"/>.
    /// </summary>
    public void Forward(ReadOnlySpan<float> x, int batch, bool training, ref RandomSource random)
    {
        CheckBatch(batch);
        ReadOnlySpan<float> input = x.Slice(0, batch * layers.InputCount);
        for (int l = 0; l < layers.LayerCount; l++)
        {
            int inputs = layers.Sizes[l], outputs = layers.Sizes[l + 1];
            bool last = l == layers.LayerCount - 1;
            Span<float> z = last ? logits.AsSpan(0, batch * outputs) : preActivations[l].AsSpan(0, batch * outputs);
            DenseLayer.Forward(input, layers.Weights[l], layers.Biases[l], z, batch, inputs, outputs, threads);
            if (last)
            {
                break;
            }

            Span<float> a = activations[l].AsSpan(0, batch * outputs);
            Activations.Apply(layers.Activation, z, a);
            if (training && masks is not null)
            {
                Span<float> mask = masks[l].AsSpan(0, batch * outputs);
                float keep = 1 / (1 - dropout);
                for (int i = 0; i < mask.Length; i++)
                {
                    mask[i] = random.NextSingle() < dropout ? 0f : keep;
                }

                TensorPrimitives.Multiply(a, mask, a);
            }

            input = a;
        }
    }

    /// <summary>
    /// Softmax cross-entropy of the last forward pass against <paramref name="labels"/>, then back-propagation of the mean loss
    /// into <see cref="WeightGradients"/> and <see cref="BiasGradients"/>. Returns the summed (not mean) loss of the batch.
    /// The forward pass must have been a training pass over the same <paramref name="x"/>.
    /// </summary>
    public double Backward(ReadOnlySpan<float> x, ReadOnlySpan<int> labels, int batch, bool dropoutApplied)
    {
        CheckBatch(batch);
        int classes = layers.OutputCount;
        Span<float> dz = deltaA.AsSpan(0, batch * classes);
        double loss = SoftmaxCrossEntropy.LossAndGradient(Logits(batch), labels, dz, batch, classes);
        float[] current = deltaA, spare = deltaB;
        for (int l = layers.LayerCount - 1; l >= 0; l--)
        {
            int inputs = layers.Sizes[l], outputs = layers.Sizes[l + 1];
            ReadOnlySpan<float> input = l == 0 ? x.Slice(0, batch * inputs) : activations[l - 1].AsSpan(0, batch * inputs);
            ReadOnlySpan<float> delta = current.AsSpan(0, batch * outputs);
            DenseLayer.Gradients(delta, input, WeightGradients[l], BiasGradients[l], batch, inputs, outputs, threads);
            if (l == 0)
            {
                break;
            }

            // Into the hidden layer below: dA = dZ·W, through the dropout mask, then dZ = dA ⊙ f'(z).
            Span<float> dInput = spare.AsSpan(0, batch * inputs);
            DenseLayer.InputGradient(delta, layers.Weights[l], dInput, batch, inputs, outputs, threads);
            if (dropoutApplied && masks is not null)
            {
                TensorPrimitives.Multiply(dInput, masks[l - 1].AsSpan(0, batch * inputs), dInput);
            }

            Span<float> slope = derivative.AsSpan(0, batch * inputs);
            Activations.Derivative(layers.Activation, preActivations[l - 1].AsSpan(0, batch * inputs), slope);
            TensorPrimitives.Multiply(dInput, slope, dInput);
            (current, spare) = (spare, current);
        }

        return loss;
    }

    private void CheckBatch(int batch)
    {
        if (batch < 1 || batch > MaxBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"Batch size must be between 1 and {MaxBatch}.");
        }
    }
}

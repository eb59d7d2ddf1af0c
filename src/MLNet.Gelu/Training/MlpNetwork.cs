using System.Numerics.Tensors;

namespace MLNet.Gelu;

/// <summary>
/// Forward and backward passes of an <see cref="MlpLayers"/> over mini-batches of up to a fixed size, with the buffers they need:
/// pre-activations, (dropped-out) activations and their masks, logits, back-propagated deltas and the parameter gradients.
/// </summary>
internal sealed class MlpNetwork
{
    private readonly MlpLayers _layers;
    private readonly int _threads;
    private readonly float _dropout;
    private readonly float[][] _preActivations;
    private readonly float[][] _activations;
    private readonly float[][]? _masks;
    private readonly float[] _logits;
    private readonly float[] _deltaA;
    private readonly float[] _deltaB;
    private readonly float[] _derivative;

    public MlpNetwork(MlpLayers layers, int maxBatch, double dropout, int threads)
    {
        _layers = layers;
        _threads = threads;
        _dropout = (float)dropout;
        MaxBatch = maxBatch;
        int hidden = layers.LayerCount - 1;
        _preActivations = new float[hidden][];
        _activations = new float[hidden][];
        _masks = dropout > 0 ? new float[hidden][] : null;
        for (int h = 0; h < hidden; h++)
        {
            int width = layers.Sizes[h + 1];
            _preActivations[h] = new float[maxBatch * width];
            _activations[h] = new float[maxBatch * width];
            if (_masks is not null)
            {
                _masks[h] = new float[maxBatch * width];
            }
        }

        _logits = new float[maxBatch * layers.OutputCount];
        int widest = layers.Sizes.Skip(1).Max();
        _deltaA = new float[maxBatch * widest];
        _deltaB = new float[maxBatch * widest];
        _derivative = new float[maxBatch * widest];
        WeightGradients = layers.Weights.Select(w => new float[w.Length]).ToArray();
        BiasGradients = layers.Biases.Select(b => new float[b.Length]).ToArray();
    }

    public int MaxBatch { get; }

    public float[][] WeightGradients { get; }

    public float[][] BiasGradients { get; }

    /// <summary>The logits of the last <see cref="Forward"/>, rows × classes.</summary>
    public ReadOnlySpan<float> Logits(int batch) => _logits.AsSpan(0, batch * _layers.OutputCount);

    /// <summary>The inverted-dropout mask (0 or 1/(1 − p) per unit) of hidden layer <paramref name="hidden"/> in the last training pass.</summary>
    public ReadOnlySpan<float> DropoutMask(int hidden, int batch)
        => _masks is null ? ReadOnlySpan<float>.Empty : _masks[hidden].AsSpan(0, batch * _layers.Sizes[hidden + 1]);

    /// <summary>
    /// Runs the batch <paramref name="x"/> (batch × inputs) through every layer. With <paramref name="training"/> set and dropout on,
    /// draws a new inverted-dropout mask for every hidden unit from <paramref name="random"/>.
    /// </summary>
    public void Forward(ReadOnlySpan<float> x, int batch, bool training, ref RandomSource random)
    {
        CheckBatch(batch);
        ReadOnlySpan<float> input = x.Slice(0, batch * _layers.InputCount);
        for (int l = 0; l < _layers.LayerCount; l++)
        {
            int inputs = _layers.Sizes[l], outputs = _layers.Sizes[l + 1];
            bool last = l == _layers.LayerCount - 1;
            Span<float> z = last ? _logits.AsSpan(0, batch * outputs) : _preActivations[l].AsSpan(0, batch * outputs);
            DenseLayer.Forward(input, _layers.Weights[l], _layers.Biases[l], z, batch, inputs, outputs, _threads);
            if (last)
            {
                break;
            }

            Span<float> a = _activations[l].AsSpan(0, batch * outputs);
            Activations.Apply(_layers.Activation, z, a);
            if (training && _masks is not null)
            {
                Span<float> mask = _masks[l].AsSpan(0, batch * outputs);
                Dropout.DrawMask(mask, _dropout, ref random);
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
        int classes = _layers.OutputCount;
        Span<float> dz = _deltaA.AsSpan(0, batch * classes);
        double loss = SoftmaxCrossEntropy.LossAndGradient(Logits(batch), labels, dz, batch, classes);
        float[] current = _deltaA, spare = _deltaB;
        for (int l = _layers.LayerCount - 1; l >= 0; l--)
        {
            int inputs = _layers.Sizes[l], outputs = _layers.Sizes[l + 1];
            ReadOnlySpan<float> input = l == 0 ? x.Slice(0, batch * inputs) : _activations[l - 1].AsSpan(0, batch * inputs);
            ReadOnlySpan<float> delta = current.AsSpan(0, batch * outputs);
            DenseLayer.Gradients(delta, input, WeightGradients[l], BiasGradients[l], batch, inputs, outputs, _threads);
            if (l == 0)
            {
                break;
            }

            // Into the hidden layer below: dA = dZ·W, through the dropout mask, then dZ = dA ⊙ f'(z).
            Span<float> dInput = spare.AsSpan(0, batch * inputs);
            DenseLayer.InputGradient(delta, _layers.Weights[l], dInput, batch, inputs, outputs, _threads);
            if (dropoutApplied && _masks is not null)
            {
                TensorPrimitives.Multiply(dInput, _masks[l - 1].AsSpan(0, batch * inputs), dInput);
            }

            Span<float> slope = _derivative.AsSpan(0, batch * inputs);
            Activations.Derivative(_layers.Activation, _preActivations[l - 1].AsSpan(0, batch * inputs), slope);
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

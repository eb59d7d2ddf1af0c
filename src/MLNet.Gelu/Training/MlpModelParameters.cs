using System.Buffers;
using System.Numerics.Tensors;

namespace MLNet.Gelu;

/// <summary>
/// A trained multilayer-perceptron classifier: the weights and biases of each layer, the hidden activation, the input
/// dimension and the class count. Immutable and safe to share between threads.
/// </summary>
/// <remarks>
/// Layer <c>l</c> computes <c>z = x·Wₗᵀ + bₗ</c> with <c>Wₗ</c> stored <c>outputs × inputs</c>, row-major; every layer but the last
/// is followed by <see cref="Activation"/>; the last gives one logit per class and a softmax turns them into probabilities.
/// For two classes the probability of class 1 is <c>σ(z₁ − z₀)</c>.
/// </remarks>
public sealed partial class MlpModelParameters
{
    private readonly MlpLayers _layers;

    internal MlpModelParameters(MlpLayers layers)
    {
        _layers = layers;
        HiddenLayerSizes = layers.Sizes[1..^1];
    }

    /// <summary>Length of the feature vector the model reads.</summary>
    public int InputCount => _layers.InputCount;

    /// <summary>Number of classes (length of the probability vector), at least 2.</summary>
    public int ClassCount => _layers.OutputCount;

    /// <summary>Activation of the hidden layers.</summary>
    public Activation Activation => _layers.Activation;

    /// <summary>Width of each hidden layer, input side first; empty for a linear softmax model.</summary>
    public IReadOnlyList<int> HiddenLayerSizes { get; }

    /// <summary>Number of weight layers (hidden layers + 1).</summary>
    public int LayerCount => _layers.LayerCount;

    internal MlpLayers Layers => _layers;

    /// <summary>The weights of layer <paramref name="layer"/> (0 = next to the input), <c>outputs × inputs</c>, row-major.</summary>
    /// <param name="layer">The layer index, in [0, <see cref="LayerCount"/>).</param>
    /// <returns>A read-only view of the weights.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="layer"/> is outside [0, <see cref="LayerCount"/>).</exception>
    public ReadOnlyMemory<float> GetWeights(int layer) => _layers.Weights[CheckLayer(layer)];

    /// <summary>The biases of layer <paramref name="layer"/>, one per output unit.</summary>
    /// <param name="layer">The layer index, in [0, <see cref="LayerCount"/>).</param>
    /// <returns>A read-only view of the biases.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="layer"/> is outside [0, <see cref="LayerCount"/>).</exception>
    public ReadOnlyMemory<float> GetBiases(int layer) => _layers.Biases[CheckLayer(layer)];

    /// <summary>Class probabilities of one row.</summary>
    /// <param name="features">The row, <see cref="InputCount"/> values.</param>
    /// <param name="probabilities">Receives <see cref="ClassCount"/> probabilities summing to 1.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="features"/> does not hold <see cref="InputCount"/> values, or <paramref name="probabilities"/> is
    /// shorter than <see cref="ClassCount"/>.
    /// </exception>
    public void Predict(ReadOnlySpan<float> features, Span<float> probabilities)
    {
        if (features.Length != InputCount)
        {
            throw new ArgumentException($"The model reads {InputCount} features; the row has {features.Length}.", nameof(features));
        }

        CheckDestination(probabilities.Length, ClassCount, 1, nameof(probabilities));
        ComputeLogits(features, probabilities);
        SoftmaxCrossEntropy.Softmax(probabilities, probabilities, 1, ClassCount);
    }

    /// <summary>Class probabilities of many rows at once (faster per row: the layers run as matrix products).</summary>
    /// <param name="features">Rows one after another, <see cref="InputCount"/> values each.</param>
    /// <param name="probabilities">Receives <see cref="ClassCount"/> probabilities per row, rows one after another.</param>
    /// <param name="threads">Threads for the matrix products; the result does not depend on it.</param>
    /// <returns>The number of rows.</returns>
    /// <exception cref="ArgumentException">The length of <paramref name="features"/> is not a multiple of <see cref="InputCount"/>, or <paramref name="probabilities"/> is too short.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is below 1.</exception>
    public int PredictBatch(ReadOnlySpan<float> features, Span<float> probabilities, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (features.Length % InputCount != 0)
        {
            throw new ArgumentException($"{features.Length} values are not whole rows of {InputCount} features.", nameof(features));
        }

        int rows = features.Length / InputCount;
        CheckDestination(probabilities.Length, ClassCount, rows, nameof(probabilities));
        ComputeLogitsBatch(features, probabilities, rows, threads);
        SoftmaxCrossEntropy.Softmax(probabilities, probabilities, rows, ClassCount);
        return rows;
    }

    /// <summary>Logits of one row (matrix-vector products, no allocation beyond pooled scratch).</summary>
    internal void ComputeLogits(ReadOnlySpan<float> features, Span<float> logits)
    {
        int widest = _layers.MaxWidth;
        float[] a = ArrayPool<float>.Shared.Rent(widest);
        float[] b = ArrayPool<float>.Shared.Rent(widest);
        try
        {
            ReadOnlySpan<float> input = features;
            for (int l = 0; l < _layers.LayerCount; l++)
            {
                int inputs = _layers.Sizes[l], outputs = _layers.Sizes[l + 1];
                bool last = l == _layers.LayerCount - 1;
                Span<float> z = last ? logits.Slice(0, outputs) : a.AsSpan(0, outputs);
                ReadOnlySpan<float> w = _layers.Weights[l];
                for (int o = 0; o < outputs; o++)
                {
                    z[o] = TensorPrimitives.Dot(w.Slice(o * inputs, inputs), input) + _layers.Biases[l][o];
                }

                if (!last)
                {
                    Activations.Apply(_layers.Activation, z, z);
                    input = z;
                    (a, b) = (b, a);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(a);
            ArrayPool<float>.Shared.Return(b);
        }
    }

    /// <summary>Logits of <paramref name="rows"/> rows through the blocked matrix products.</summary>
    internal void ComputeLogitsBatch(ReadOnlySpan<float> features, Span<float> logits, int rows, int threads)
    {
        const int chunk = 256;
        int widest = _layers.MaxWidth;
        float[] a = ArrayPool<float>.Shared.Rent(Math.Min(rows, chunk) * widest);
        float[] b = ArrayPool<float>.Shared.Rent(Math.Min(rows, chunk) * widest);
        try
        {
            for (int r0 = 0; r0 < rows; r0 += chunk)
            {
                int n = Math.Min(chunk, rows - r0);
                ReadOnlySpan<float> input = features.Slice(r0 * InputCount, n * InputCount);
                float[] target = a, other = b;
                for (int l = 0; l < _layers.LayerCount; l++)
                {
                    int inputs = _layers.Sizes[l], outputs = _layers.Sizes[l + 1];
                    bool last = l == _layers.LayerCount - 1;
                    Span<float> z = last ? logits.Slice(r0 * outputs, n * outputs) : target.AsSpan(0, n * outputs);
                    DenseLayer.Forward(input, _layers.Weights[l], _layers.Biases[l], z, n, inputs, outputs, threads);
                    if (!last)
                    {
                        Activations.Apply(_layers.Activation, z, z);
                        input = z;
                        (target, other) = (other, target);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(a);
            ArrayPool<float>.Shared.Return(b);
        }
    }

    private static void CheckDestination(int length, int classes, int rows, string name)
    {
        if (length < (long)classes * rows)
        {
            throw new ArgumentException($"The destination holds {length} values; {rows} row(s) of {classes} class probabilities need {(long)classes * rows}.", name);
        }
    }

    private int CheckLayer(int layer)
    {
        if ((uint)layer >= (uint)LayerCount)
        {
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"The model has layers 0 to {LayerCount - 1}.");
        }

        return layer;
    }
}

namespace MLNet.Gelu;

/// <summary>
/// The parameters of a multilayer perceptron: <c>Sizes[0]</c> inputs, hidden layers <c>Sizes[1..^1]</c>, <c>Sizes[^1]</c> logits.
/// Layer <c>l</c> maps <c>Sizes[l]</c> to <c>Sizes[l+1]</c> units with weights stored out × in, row-major (as PyTorch's
/// <c>nn.Linear</c> and ONNX <c>Gemm</c> with <c>transB = 1</c>), so <c>z = x·Wᵀ + b</c>; every layer but the last is followed by the activation.
/// </summary>
internal sealed class MlpLayers
{
    public MlpLayers(int[] sizes, Activation activation)
    {
        Sizes = sizes;
        Activation = activation;
        Weights = new float[sizes.Length - 1][];
        Biases = new float[sizes.Length - 1][];
        for (int l = 0; l < Weights.Length; l++)
        {
            Weights[l] = new float[(long)sizes[l + 1] * sizes[l]];
            Biases[l] = new float[sizes[l + 1]];
        }
    }

    public int[] Sizes { get; }

    public Activation Activation { get; }

    public float[][] Weights { get; }

    public float[][] Biases { get; }

    public int LayerCount => Weights.Length;

    public int InputCount => Sizes[0];

    public int OutputCount => Sizes[^1];

    public int MaxWidth => Sizes.Max();

    public MlpLayers Clone()
    {
        var copy = new MlpLayers((int[])Sizes.Clone(), Activation);
        CopyTo(copy);
        return copy;
    }

    public void CopyTo(MlpLayers other)
    {
        for (int l = 0; l < LayerCount; l++)
        {
            Weights[l].CopyTo(other.Weights[l], 0);
            Biases[l].CopyTo(other.Biases[l], 0);
        }
    }
}

namespace MLNet.Gelu;

/// <summary>
/// Initial weights suited to the activation; biases start at zero.
/// Hidden layers: He/Kaiming normal, <c>N(0, 2/fan_in)</c> (He et al. 2015), which keeps the activation variance steady through
/// ReLU-like units — every <see cref="Activation"/> we have is ReLU-like or of the GELU family (GELU, its tanh and sigmoid forms,
/// SiLU, ELU). The output layer, which feeds a softmax rather than an activation, and any future non-ReLU-like activation:
/// Glorot/Xavier uniform, <c>U(±√(6/(fan_in + fan_out)))</c> (Glorot &amp; Bengio 2010).
/// </summary>
internal static class WeightInitializer
{
    public static void Initialize(MlpLayers layers, ref RandomSource random)
    {
        for (int l = 0; l < layers.LayerCount; l++)
        {
            int fanIn = layers.Sizes[l];
            int fanOut = layers.Sizes[l + 1];
            float[] w = layers.Weights[l];
            bool output = l == layers.LayerCount - 1;
            if (!output && IsReluLike(layers.Activation))
            {
                double std = Math.Sqrt(2.0 / fanIn);
                for (int i = 0; i < w.Length; i++)
                {
                    w[i] = (float)(random.NextGaussian() * std);
                }
            }
            else
            {
                double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
                for (int i = 0; i < w.Length; i++)
                {
                    w[i] = (float)(((2 * random.NextDouble()) - 1) * limit);
                }
            }

            Array.Clear(layers.Biases[l]);
        }
    }

    /// <summary>Whether He initialization suits the activation (ReLU-like, or of the GELU family).</summary>
    public static bool IsReluLike(Activation activation) => activation is
        Activation.Gelu or Activation.GeluTanh or Activation.GeluSigmoid or Activation.Relu or Activation.Elu or Activation.Silu;
}

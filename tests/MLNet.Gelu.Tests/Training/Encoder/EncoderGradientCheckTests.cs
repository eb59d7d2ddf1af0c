using MLNet.Gelu.Encoder;

namespace MLNet.Gelu.Tests.Training.Encoder;

/// <summary>
/// The whole encoder classifier's back-propagated gradients (float) against central finite differences (step 1e‑5) of the
/// mean cross-entropy computed by <see cref="EncoderReference"/> in double precision, for every parameter of a two-layer
/// encoder. Tolerance |numeric − engine| ≤ 2e‑5 + 2e‑3·|numeric|: the engine computes in float (about 1e‑6 relative per
/// operation over some thirty operations deep), the finite difference in double has truncation error about h² ≈ 1e‑10.
/// </summary>
public class EncoderGradientCheckTests
{
    public static TheoryData<Activation> AllActivations => new(Enum.GetValues<Activation>());

    [Theory]
    [MemberData(nameof(AllActivations))]
    public void Post_layer_norm_encoder_gradients_match_finite_differences(Activation activation)
        => Check(EncoderTestModels.Tiny(activation));

    [Theory]
    [InlineData(Activation.Gelu)]
    [InlineData(Activation.Relu)]
    public void Pre_layer_norm_encoder_gradients_match_finite_differences(Activation activation)
        => Check(EncoderTestModels.Tiny(activation, EncoderNormPlacement.PreLayerNorm));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Mean_pooled_encoder_gradients_match_finite_differences(bool preLayerNorm)
        => Check(EncoderTestModels.Tiny(Activation.GeluTanh, Placement(preLayerNorm), EncoderPooling.Mean));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Gradients_through_every_dropout_match_finite_differences(bool preLayerNorm)
        => Check(EncoderTestModels.Tiny(Activation.Gelu, Placement(preLayerNorm), EncoderPooling.Mean, dropout: 0.3f, attentionDropout: 0.3f));

    private static EncoderNormPlacement Placement(bool pre) => pre ? EncoderNormPlacement.PreLayerNorm : EncoderNormPlacement.PostLayerNorm;

    private static void Check(EncoderConfiguration configuration)
    {
        var weights = EncoderTestModels.RandomWeights(configuration, 7);
        var batch = EncoderTestModels.Batch(11);
        var network = new EncoderNetwork(weights, maxBatch: 4, maxLength: 6, threads: 2);
        var random = new RandomSource(3);
        bool dropout = configuration.HiddenDropout > 0;
        network.Forward(batch, training: dropout, ref random);
        double engineLoss = network.Backward() / batch.Count;
        var masks = dropout ? network.DropoutMasks : null;
        if (masks is not null)
        {
            Assert.Contains(0f, masks.Layers[0].Attention.AsSpan(0, 3 * 2 * 25).ToArray());
            Assert.Contains(0f, masks.Embedding.AsSpan(0, 15 * 8).ToArray());
        }

        var reference = new EncoderReference(weights, masks);
        Assert.Equal(reference.Loss(batch), engineLoss, 1e-5);

        const double h = 1e-5;
        int checkedCount = 0, nonZero = 0;
        foreach (var tensor in weights.All)
        {
            double[] p = reference.Parameters[tensor.Name];
            for (int i = 0; i < p.Length; i++)
            {
                double saved = p[i];
                p[i] = saved + h;
                double up = reference.Loss(batch);
                p[i] = saved - h;
                double down = reference.Loss(batch);
                p[i] = saved;
                double numeric = (up - down) / (2 * h);
                double error = Math.Abs(numeric - tensor.Gradient[i]);
                Assert.True(error <= 2e-5 + (2e-3 * Math.Abs(numeric)),
                    $"{configuration.Activation} {configuration.NormPlacement} {configuration.Pooling}: {tensor.Name}[{i}] "
                    + $"back-propagation {tensor.Gradient[i]}, finite difference {numeric} (error {error:g3}).");
                checkedCount++;
                nonZero += Math.Abs(numeric) > 1e-6 ? 1 : 0;
            }
        }

        Assert.Equal(weights.ParameterCount, checkedCount);
        Assert.True(nonZero > checkedCount / 2, $"Only {nonZero} of {checkedCount} gradients are non-zero: the check would prove little.");
    }
}

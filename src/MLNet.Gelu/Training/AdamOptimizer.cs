using System.Runtime.Intrinsics;

namespace MLNet.Gelu;

/// <summary>
/// Adam (Kingma &amp; Ba 2015, "Adam: A Method for Stochastic Optimization", ICLR), in the form of PyTorch's <c>torch.optim.Adam</c>:
/// <code>
/// g ← ∇θ + λ·θ                   (coupled L2 weight decay λ, off by default)
/// m ← β₁·m + (1 − β₁)·g          (first moment)
/// v ← β₂·v + (1 − β₂)·g²         (second moment)
/// θ ← θ − (α / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
/// </code>
/// with PyTorch's defaults α = 1e‑3, β₁ = 0.9, β₂ = 0.999, ε = 1e‑8, λ = 0. Moments start at zero; t counts steps from 1.
/// With a decay mask it is AdamW instead (Loshchilov &amp; Hutter 2019, "Decoupled Weight Decay Regularization", ICLR), in the
/// form of <c>torch.optim.AdamW</c>: no coupled term, and before the update <c>θ ← θ·(1 − α·λ)</c> for the arrays the mask selects.
/// </summary>
internal sealed class AdamOptimizer
{
    private readonly float[][] _parameters;
    private readonly float[][] _gradients;
    private readonly float[][] _firstMoments;
    private readonly float[][] _secondMoments;
    private readonly double _beta1;
    private readonly double _beta2;
    private readonly double _epsilon;
    private readonly double _weightDecay;
    private readonly bool[]? _decoupledDecay;
    private long _step;

    /// <param name="parameters">The arrays updated in place.</param>
    /// <param name="gradients">Their gradients, same shapes, filled before each <see cref="Step"/>.</param>
    /// <param name="beta1">Decay of the first-moment running mean, in [0, 1).</param>
    /// <param name="beta2">Decay of the second-moment running mean, in [0, 1).</param>
    /// <param name="epsilon">Added to the bias-corrected √v for stability, positive.</param>
    /// <param name="weightDecay">Weight decay λ, non-negative: a coupled L2 penalty, or AdamW's decoupled decay with <paramref name="decoupledDecay"/>.</param>
    /// <param name="decoupledDecay">Null for Adam; for AdamW, which arrays (by index) are decayed.</param>
    public AdamOptimizer(float[][] parameters, float[][] gradients, double beta1, double beta2, double epsilon, double weightDecay, bool[]? decoupledDecay = null)
    {
        if (decoupledDecay is not null && decoupledDecay.Length != parameters.Length)
        {
            throw new ArgumentException($"The decay mask has {decoupledDecay.Length} entries for {parameters.Length} parameter arrays.", nameof(decoupledDecay));
        }

        _decoupledDecay = decoupledDecay;
        _parameters = parameters;
        _gradients = gradients;
        _beta1 = beta1;
        _beta2 = beta2;
        _epsilon = epsilon;
        _weightDecay = weightDecay;
        _firstMoments = parameters.Select(p => new float[p.Length]).ToArray();
        _secondMoments = parameters.Select(p => new float[p.Length]).ToArray();
    }

    /// <summary>Steps taken so far (t).</summary>
    public long StepCount => _step;

    /// <summary>One update of every parameter with step size <paramref name="learningRate"/> (α, after the schedule).</summary>
    public void Step(double learningRate)
    {
        _step++;
        double correction1 = 1 - Math.Pow(_beta1, _step);
        double correction2 = 1 - Math.Pow(_beta2, _step);
        float stepSize = (float)(learningRate / correction1);
        float inverseRootCorrection2 = (float)(1 / Math.Sqrt(correction2));
        float b1 = (float)_beta1, oneMinusB1 = (float)(1 - _beta1);
        float b2 = (float)_beta2, oneMinusB2 = (float)(1 - _beta2);
        float eps = (float)_epsilon, decay = _decoupledDecay is null ? (float)_weightDecay : 0f;
        for (int a = 0; a < _parameters.Length; a++)
        {
            Span<float> theta = _parameters[a];
            if (_decoupledDecay is not null && _decoupledDecay[a] && _weightDecay > 0)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(theta, (float)(1 - (learningRate * _weightDecay)), theta);
            }

            ReadOnlySpan<float> grad = _gradients[a];
            Span<float> m = _firstMoments[a];
            Span<float> v = _secondMoments[a];
            int i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                // The same operations in the same order as the scalar loop below, eight at a time.
                for (; i <= theta.Length - Vector256<float>.Count; i += Vector256<float>.Count)
                {
                    var t = Vector256.Create(theta.Slice(i));
                    var g = Vector256.Create(grad.Slice(i)) + (Vector256.Create(decay) * t);
                    var mi = (Vector256.Create(b1) * Vector256.Create(m.Slice(i))) + (Vector256.Create(oneMinusB1) * g);
                    var vi = (Vector256.Create(b2) * Vector256.Create(v.Slice(i))) + (Vector256.Create(oneMinusB2) * g * g);
                    mi.CopyTo(m.Slice(i));
                    vi.CopyTo(v.Slice(i));
                    var denominator = (Vector256.Sqrt(vi) * Vector256.Create(inverseRootCorrection2)) + Vector256.Create(eps);
                    (t - (Vector256.Create(stepSize) * mi / denominator)).CopyTo(theta.Slice(i));
                }
            }

            for (; i < theta.Length; i++)
            {
                float g = grad[i] + (decay * theta[i]);
                float mi = (b1 * m[i]) + (oneMinusB1 * g);
                float vi = (b2 * v[i]) + (oneMinusB2 * g * g);
                m[i] = mi;
                v[i] = vi;
                theta[i] -= stepSize * mi / ((MathF.Sqrt(vi) * inverseRootCorrection2) + eps);
            }
        }
    }
}

namespace MLNet.Gelu;

/// <summary>Global-norm gradient clipping (Pascanu et al. 2013; PyTorch's <c>clip_grad_norm_</c>): when the L2 norm of all
/// gradients together exceeds the limit, every gradient is scaled by <c>limit / norm</c>.</summary>
internal static class GradientClipping
{
    /// <summary>Clips in place and returns the norm before clipping (summed in double, in array order, so it is deterministic).</summary>
    public static double ClipGlobalNorm(IReadOnlyList<float[]> gradients, double maxNorm)
    {
        double sum = 0;
        foreach (var g in gradients)
        {
            sum += System.Numerics.Tensors.TensorPrimitives.Dot<float>(g, g);
        }

        double norm = Math.Sqrt(sum);
        if (norm > maxNorm && maxNorm > 0)
        {
            float scale = (float)(maxNorm / (norm + 1e-6));
            foreach (var g in gradients)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(g, scale, g);
            }
        }

        return norm;
    }
}

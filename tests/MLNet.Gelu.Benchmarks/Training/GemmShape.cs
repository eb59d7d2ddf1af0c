namespace MLNet.Gelu.Benchmarks.Training;

/// <summary>How the operands of <c>C[m×n] = op(A)·op(B)</c> are stored (row-major), as the MLP's layers use them.</summary>
public enum GemmForm
{
    /// <summary><c>A[m×k] · B[n×k]ᵀ</c>: forward pass, <c>Z = X·Wᵀ</c>.</summary>
    NT,

    /// <summary><c>A[k×m]ᵀ · B[k×n]</c>: weight gradient, <c>dW = dZᵀ·X</c>.</summary>
    TN,

    /// <summary><c>A[m×k] · B[k×n]</c>: input gradient, <c>dX = dZ·W</c>.</summary>
    NN,
}

/// <summary>One matrix product of an MLP training step, shown as "layer step m×n×k" (fwd X·Wᵀ, dW = dZᵀ·X, dX = dZ·W).</summary>
public sealed record GemmShape(string Step, GemmForm Form, int M, int N, int K) : IHasWork
{
    /// <summary>2·m·n·k.</summary>
    public Work Work => new(0, 2.0 * M * N * K);

    /// <summary>
    /// The products of one mini-batch step of an MNIST MLP 784‑256‑256‑10 at batch 128: forward X·Wᵀ and weight gradient
    /// dZᵀ·X of each layer, and input gradient dZ·W of layers 2 and 3 (the trainer skips the first layer's: no one needs dX).
    /// </summary>
    public static IEnumerable<GemmShape> MnistMlp(int batch = 128)
    {
        int[] sizes = [784, 256, 256, 10];
        for (int l = 0; l < 3; l++)
        {
            yield return new GemmShape($"L{l + 1} fwd", GemmForm.NT, batch, sizes[l + 1], sizes[l]);
        }

        for (int l = 0; l < 3; l++)
        {
            yield return new GemmShape($"L{l + 1} dW", GemmForm.TN, sizes[l + 1], sizes[l], batch);
        }

        for (int l = 1; l < 3; l++)
        {
            yield return new GemmShape($"L{l + 1} dX", GemmForm.NN, batch, sizes[l], sizes[l + 1]);
        }
    }

    /// <summary>
    /// The distinct products of one layer of a MiniLM (hidden 384, feed-forward 1536) training step at
    /// <paramref name="batch"/> × <paramref name="length"/> positions: forward X·Wᵀ, weight gradient dZᵀ·X and input
    /// gradient dZ·W of a projection (Q, K, V and the attention output are alike), of the feed-forward input and output.
    /// </summary>
    public static IEnumerable<GemmShape> MiniLmLayer(int batch = 32, int length = 64)
    {
        int rows = batch * length;
        (string Name, int Inputs, int Outputs)[] layers = [("proj", 384, 384), ("ffn1", 384, 1536), ("ffn2", 1536, 384)];
        foreach (var (name, inputs, outputs) in layers)
        {
            yield return new GemmShape($"{name} fwd", GemmForm.NT, rows, outputs, inputs);
            yield return new GemmShape($"{name} dW", GemmForm.TN, outputs, inputs, rows);
            yield return new GemmShape($"{name} dX", GemmForm.NN, rows, inputs, outputs);
        }
    }

    /// <summary>Stored shape of A.</summary>
    public long[] AShape => Form == GemmForm.TN ? [K, M] : [M, K];

    /// <summary>Stored shape of B.</summary>
    public long[] BShape => Form == GemmForm.NT ? [N, K] : [K, N];

    public override string ToString() => $"{Step} {M}x{N}x{K}";
}

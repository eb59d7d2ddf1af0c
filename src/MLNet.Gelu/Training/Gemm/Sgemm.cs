using System.Runtime.Intrinsics;

namespace MLNet.Gelu.Gemm;

/// <summary>
/// Single-precision matrix products <c>C = op(A)·op(B)</c> (or <c>C += op(A)·op(B)</c>) over row-major storage,
/// cache-blocked (panels of <see cref="KBlock"/> along the inner dimension), packed, and run by vectorized FMA micro-kernels.
/// </summary>
/// <remarks>
/// Every element of C is accumulated in the same order whatever the thread count, tiling or vector width:
/// within each block of <see cref="KBlock"/> inner indices a fused multiply-add chain in ascending order starting from zero,
/// then the block sums added to C in ascending block order. Results are therefore bit-identical across thread counts,
/// scheduling and <see cref="SgemmKernel"/> choices on the same machine.
/// </remarks>
internal static partial class Sgemm
{
    /// <summary>Inner-dimension block length; fixed, because it decides the order of accumulation.</summary>
    internal const int KBlock = 128;

    /// <summary>Rows of a micro-tile (and of a packed A panel).</summary>
    internal const int MR = 6;

    /// <summary>Below this many multiply-adds a product runs on the calling thread only.</summary>
    private const long ParallelThreshold = 1L << 20;

    /// <summary><c>C[m×n] = A[m×k] · B[n×k]ᵀ</c> (the forward pass of a layer with weights stored out × in).</summary>
    internal static void MultiplyNT(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, int threads = 1, bool accumulate = false, SgemmKernel kernel = SgemmKernel.Auto)
        => Multiply(false, true, m, n, k, a, k, b, k, c, n, accumulate, threads, kernel);

    /// <summary><c>C[m×n] = A[m×k] · B[k×n]</c> (the gradient with respect to a layer's input).</summary>
    internal static void MultiplyNN(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, int threads = 1, bool accumulate = false, SgemmKernel kernel = SgemmKernel.Auto)
        => Multiply(false, false, m, n, k, a, k, b, n, c, n, accumulate, threads, kernel);

    /// <summary><c>C[m×n] = A[k×m]ᵀ · B[k×n]</c> (the gradient with respect to a layer's weights).</summary>
    internal static void MultiplyTN(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, int threads = 1, bool accumulate = false, SgemmKernel kernel = SgemmKernel.Auto)
        => Multiply(true, false, m, n, k, a, m, b, n, c, n, accumulate, threads, kernel);

    /// <summary>
    /// General product <c>C = op(A)·op(B)</c>, or <c>C += op(A)·op(B)</c> when <paramref name="accumulate"/> is set.
    /// op(A) is m × k: A is stored m × k (leading dimension <paramref name="lda"/>), or k × m when <paramref name="transposeA"/>.
    /// op(B) is k × n: B is stored k × n, or n × k when <paramref name="transposeB"/>. C is m × n with leading dimension <paramref name="ldc"/>.
    /// </summary>
    internal static unsafe void Multiply(
        bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
        bool accumulate, int threads, SgemmKernel kernel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        CheckOperand(a, transposeA ? k : m, transposeA ? m : k, lda, nameof(a));
        CheckOperand(b, transposeB ? n : k, transposeB ? k : n, ldb, nameof(b));
        CheckOperand(c, m, n, ldc, nameof(c));
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0)
        {
            if (!accumulate)
            {
                for (int i = 0; i < m; i++)
                {
                    c.Slice(i * ldc, n).Clear();
                }
            }

            return;
        }

        kernel = Resolve(kernel);
        int nr = PanelWidth(kernel);
        fixed (float* pa = a, pb = b, pc = c)
        {
            var job = new Job
            {
                A = pa, B = pb, C = pc, Lda = lda, Ldb = ldb, Ldc = ldc, M = m, N = n, K = k,
                TransposeA = transposeA, TransposeB = transposeB, Accumulate = accumulate, Kernel = kernel, NR = nr,
            };
            if (IsNarrow(m, n, nr))
            {
                // Cᵀ (n × m) = op(B)ᵀ·op(A)ᵀ: the same products in the same order, written to C transposed.
                job.A = pb;
                job.B = pa;
                job.Lda = ldb;
                job.Ldb = lda;
                job.M = n;
                job.N = m;
                job.TransposeA = !transposeB;
                job.TransposeB = !transposeA;
                job.TransposeC = true;
            }

            long work = (long)m * n * k;
            int workers = work < ParallelThreshold ? 1 : threads;
            job.Plan(workers);
            if (workers == 1 || job.TileCount == 1)
            {
                job.RunTiles(0, job.TileCount);
            }
            else
            {
                workers = Math.Min(workers, job.TileCount);
                Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
                {
                    // A fixed, contiguous share of the tiles for each worker.
                    int first = (int)((long)job.TileCount * w / workers);
                    int last = (int)((long)job.TileCount * (w + 1) / workers);
                    job.RunTiles(first, last);
                });
            }
        }
    }

    internal static SgemmKernel Resolve(SgemmKernel kernel) => kernel switch
    {
        SgemmKernel.Auto when Vector512.IsHardwareAccelerated => SgemmKernel.Vector512,
        SgemmKernel.Auto when Vector256.IsHardwareAccelerated => SgemmKernel.Vector256,
        SgemmKernel.Auto => SgemmKernel.Vector128,
        SgemmKernel.Vector128 or SgemmKernel.Vector256 or SgemmKernel.Vector512 => kernel,
        _ => throw new ArgumentOutOfRangeException(nameof(kernel), kernel, "Unknown SGEMM kernel."),
    };

    /// <summary>
    /// Whether C's columns would fill at most half a panel of <paramref name="nr"/> (16 for the 512-bit kernel) while it
    /// has more rows than columns: such products run as Cᵀ = op(B)ᵀ·op(A)ᵀ, so that the micro-kernels' vector lanes
    /// run along C's rows instead of mostly padding a panel of few columns.
    /// </summary>
    internal static bool IsNarrow(int m, int n, int nr) => n <= nr / 2 && m > n;

    /// <summary>Columns of a packed B panel (and of a micro-tile) for <paramref name="kernel"/>.</summary>
    internal static int PanelWidth(SgemmKernel kernel) => kernel switch
    {
        SgemmKernel.Vector512 => 32,
        SgemmKernel.Vector256 => 16,
        _ => 8,
    };

    private static void CheckOperand(ReadOnlySpan<float> span, int rows, int cols, int leading, string name)
    {
        if (leading < cols)
        {
            throw new ArgumentOutOfRangeException(name, leading, $"Leading dimension {leading} of '{name}' is smaller than its {cols} columns.");
        }

        long needed = rows == 0 || cols == 0 ? 0 : ((long)(rows - 1) * leading) + cols;
        if (span.Length < needed)
        {
            throw new ArgumentException($"Matrix '{name}' ({rows} × {cols}, leading dimension {leading}) needs {needed} elements but has {span.Length}.", name);
        }
    }
}

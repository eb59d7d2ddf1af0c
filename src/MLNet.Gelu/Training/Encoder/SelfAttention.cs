using System.Buffers;
using System.Numerics.Tensors;
using MLNet.Gelu.Gemm;

namespace MLNet.Gelu.Encoder;

/// <summary>
/// The core of multi-head self-attention, per sequence b and head h (columns <c>h·d … h·d + d − 1</c> of the projected
/// rows, d the head size): <c>S = Q·Kᵀ/√d</c>, <c>P = softmax(S)</c> over the sequence's keys only (padding keys get
/// probability 0, as an additive −∞ mask would give), <c>P̃ = P ⊙ M</c> with M the attention-dropout mask (or 1),
/// <c>C = P̃·V</c>. Backward: <c>dP̃ = dC·Vᵀ</c>, <c>dV = P̃ᵀ·dC</c>, <c>dP = dP̃ ⊙ M</c>,
/// <c>dS = P ⊙ (dP − rowsum(dP ⊙ P))/√d</c>, <c>dQ = dS·K</c>, <c>dK = dSᵀ·Q</c>.
/// </summary>
/// <remarks>Sequence-head pairs run in parallel; each writes its own blocks, so results do not depend on the thread count.
/// Q, K, V, C and their gradients are <c>rows × hidden</c>; P and M are <c>count × heads × length × length</c>.</remarks>
internal static class SelfAttention
{
    public static void Forward(
        ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, Span<float> probabilities, ReadOnlySpan<float> dropoutMask,
        Span<float> context, ReadOnlySpan<int> lengths, int count, int length, int heads, int headSize, int threads)
    {
        unsafe
        {
            fixed (float* pq = q, pk = k, pv = v, pp = probabilities, pm = dropoutMask, pc = context)
            fixed (int* pl = lengths)
            {
                var shape = new Shape(count, length, heads, headSize);
                var (qa, ka, va, pa, ma, ca, la) = ((nint)pq, (nint)pk, (nint)pv, (nint)pp, (nint)pm, (nint)pc, (nint)pl);
                bool dropout = !dropoutMask.IsEmpty;
                Run(count * heads, threads, length * length, (item, scratch) =>
                {
                    var (offset, block, valid) = shape.Locate(item, (int*)la);
                    int n = shape.Length, width = shape.Width;
                    var p = new Span<float>((float*)pa + block, n * n);
                    Sgemm.Multiply(false, true, n, n, headSize, Span((float*)qa, offset, shape), width, Span((float*)ka, offset, shape), width, p, n, false, 1, SgemmKernel.Auto);
                    float scale = 1 / MathF.Sqrt(headSize);
                    for (int i = 0; i < n; i++)
                    {
                        Span<float> row = p.Slice(i * n, n);
                        Span<float> keys = row.Slice(0, valid);
                        TensorPrimitives.Multiply(keys, scale, keys);
                        float max = TensorPrimitives.Max(keys);
                        TensorPrimitives.Subtract(keys, max, keys);
                        TensorPrimitives.Exp(keys, keys);
                        TensorPrimitives.Multiply(keys, 1 / TensorPrimitives.Sum(keys), keys);
                        row.Slice(valid).Clear();
                    }

                    ReadOnlySpan<float> used = p;
                    if (dropout)
                    {
                        TensorPrimitives.Multiply(p, new ReadOnlySpan<float>((float*)ma + block, n * n), scratch);
                        used = scratch;
                    }

                    Sgemm.Multiply(false, false, n, headSize, n, used, n, Span((float*)va, offset, shape), width, OutSpan((float*)ca, offset, shape), width, false, 1, SgemmKernel.Auto);
                });
            }
        }
    }

    public static void Backward(
        ReadOnlySpan<float> dContext, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> probabilities,
        ReadOnlySpan<float> dropoutMask, Span<float> dq, Span<float> dk, Span<float> dv, ReadOnlySpan<int> lengths,
        int count, int length, int heads, int headSize, int threads)
    {
        unsafe
        {
            fixed (float* pdc = dContext, pq = q, pk = k, pv = v, pp = probabilities, pm = dropoutMask, pdq = dq, pdk = dk, pdv = dv)
            fixed (int* pl = lengths)
            {
                var shape = new Shape(count, length, heads, headSize);
                var (dca, qa, ka, va, pa, ma, dqa, dka, dva, la) = ((nint)pdc, (nint)pq, (nint)pk, (nint)pv, (nint)pp, (nint)pm, (nint)pdq, (nint)pdk, (nint)pdv, (nint)pl);
                bool dropout = !dropoutMask.IsEmpty;
                Run(count * heads, threads, 2 * length * length, (item, scratch) =>
                {
                    var (offset, block, _) = shape.Locate(item, (int*)la);
                    int n = shape.Length, width = shape.Width;
                    var p = new ReadOnlySpan<float>((float*)pa + block, n * n);
                    Span<float> dp = scratch.Slice(0, n * n);
                    Span<float> used = scratch.Slice(n * n, n * n);
                    ReadOnlySpan<float> mask = dropout ? new ReadOnlySpan<float>((float*)ma + block, n * n) : default;
                    if (dropout)
                    {
                        TensorPrimitives.Multiply(p, mask, used);
                    }
                    else
                    {
                        p.CopyTo(used);
                    }

                    ReadOnlySpan<float> dc = Span((float*)dca, offset, shape);
                    Sgemm.Multiply(false, true, n, n, headSize, dc, width, Span((float*)va, offset, shape), width, dp, n, false, 1, SgemmKernel.Auto);
                    Sgemm.Multiply(true, false, n, headSize, n, used, n, dc, width, OutSpan((float*)dva, offset, shape), width, false, 1, SgemmKernel.Auto);
                    if (dropout)
                    {
                        TensorPrimitives.Multiply(dp, mask, dp);
                    }

                    float scale = 1 / MathF.Sqrt(headSize);
                    for (int i = 0; i < n; i++)
                    {
                        ReadOnlySpan<float> pr = p.Slice(i * n, n);
                        Span<float> dr = dp.Slice(i * n, n);
                        float dot = TensorPrimitives.Dot(pr, dr);
                        TensorPrimitives.Subtract(dr, dot, dr);
                        TensorPrimitives.Multiply(dr, pr, dr);
                        TensorPrimitives.Multiply(dr, scale, dr);
                    }

                    Sgemm.Multiply(false, false, n, headSize, n, dp, n, Span((float*)ka, offset, shape), width, OutSpan((float*)dqa, offset, shape), width, false, 1, SgemmKernel.Auto);
                    Sgemm.Multiply(true, false, n, headSize, n, dp, n, Span((float*)qa, offset, shape), width, OutSpan((float*)dka, offset, shape), width, false, 1, SgemmKernel.Auto);
                });
            }
        }
    }

    private static unsafe ReadOnlySpan<float> Span(float* start, int offset, Shape shape) => new(start + offset, shape.BlockSpan);

    private static unsafe Span<float> OutSpan(float* start, int offset, Shape shape) => new(start + offset, shape.BlockSpan);

    /// <summary>Runs <paramref name="items"/> sequence-head pairs on up to <paramref name="threads"/> workers, each with its own scratch.</summary>
    private static void Run(int items, int threads, int scratchLength, Action<int, Span<float>> body)
    {
        int workers = Math.Max(1, Math.Min(threads, items));
        var scratches = new float[workers][];
        try
        {
            for (int w = 0; w < workers; w++)
            {
                scratches[w] = ArrayPool<float>.Shared.Rent(scratchLength);
            }

            if (workers == 1)
            {
                for (int item = 0; item < items; item++)
                {
                    body(item, scratches[0].AsSpan(0, scratchLength));
                }

                return;
            }

            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
            {
                int first = (int)((long)items * w / workers), last = (int)((long)items * (w + 1) / workers);
                for (int item = first; item < last; item++)
                {
                    body(item, scratches[w].AsSpan(0, scratchLength));
                }
            });
        }
        finally
        {
            foreach (var s in scratches)
            {
                if (s is not null)
                {
                    ArrayPool<float>.Shared.Return(s);
                }
            }
        }
    }

    private readonly record struct Shape(int Count, int Length, int Heads, int HeadSize)
    {
        public int Width => Heads * HeadSize;

        /// <summary>Elements from a head block's first element to its last: <c>(length − 1)·width + headSize</c>.</summary>
        public int BlockSpan => ((Length - 1) * Width) + HeadSize;

        public unsafe (int Offset, int Block, int Valid) Locate(int item, int* lengths)
        {
            int b = item / Heads, h = item % Heads;
            return ((b * Length * Width) + (h * HeadSize), item * Length * Length, lengths[b]);
        }
    }
}

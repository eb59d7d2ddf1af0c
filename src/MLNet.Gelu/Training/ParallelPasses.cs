using System.Numerics.Tensors;

namespace MLNet.Gelu;

/// <summary>
/// The element-wise and row-wise passes of the trainers (residual adds, dropout masks, bias rows and sums, LayerNorm) on
/// several threads. Each worker takes one contiguous range and does exactly what one thread would do there, and no
/// element's arithmetic depends on the split (sums over rows run per column, rows in order), so results are the same bit
/// for bit on any thread count.
/// </summary>
internal static class ParallelPasses
{
    /// <summary>Fewest elements a worker is given: below about 64K floats a pass costs less than waking a thread.</summary>
    internal const long MinimumElements = 65_536;

    /// <summary>
    /// Runs <paramref name="body"/>(first, last) over [0, <paramref name="count"/>) cut into contiguous ranges, one per worker:
    /// at most <paramref name="threads"/>, and none with fewer than <see cref="MinimumElements"/> elements when each item
    /// covers <paramref name="elementsPerItem"/> of them. One worker runs on the calling thread without a task.
    /// </summary>
    public static void For(int count, long elementsPerItem, int threads, Action<int, int> body)
    {
        long elements = count * Math.Max(1, elementsPerItem);
        int workers = (int)Math.Clamp(elements / MinimumElements, 1, Math.Max(1, Math.Min(threads, count)));
        if (workers == 1)
        {
            body(0, count);
            return;
        }

        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
            body((int)((long)count * w / workers), (int)((long)count * (w + 1) / workers)));
    }

    /// <summary><c>destination = x + y</c>, element by element.</summary>
    public static void Add(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination, int threads)
        => ElementWise(x, y, destination, threads, multiply: false);

    /// <summary><c>destination = x · y</c>, element by element.</summary>
    public static void Multiply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination, int threads)
        => ElementWise(x, y, destination, threads, multiply: true);

    /// <summary>Copies <paramref name="source"/> into the start of <paramref name="destination"/>.</summary>
    public static unsafe void Copy(ReadOnlySpan<float> source, Span<float> destination, int threads)
    {
        CheckLengths(source.Length, source.Length, destination.Length);
        fixed (float* ps = source, pd = destination)
        {
            var (s, d) = ((nint)ps, (nint)pd);
            For(source.Length, 1, threads, (first, last) =>
                new ReadOnlySpan<float>((float*)s + first, last - first).CopyTo(new Span<float>((float*)d + first, last - first)));
        }
    }

    /// <summary>Adds <paramref name="row"/> (<paramref name="width"/> long) to each of the <paramref name="rows"/> rows of <paramref name="matrix"/>.</summary>
    public static unsafe void AddToRows(Span<float> matrix, ReadOnlySpan<float> row, int rows, int width, int threads)
    {
        CheckLengths((long)rows * width, row.Length >= width ? (long)rows * width : -1, matrix.Length);
        fixed (float* pm = matrix, pr = row)
        {
            var (m, r) = ((nint)pm, (nint)pr);
            For(rows, width, threads, (first, last) =>
            {
                var bias = new ReadOnlySpan<float>((float*)r, width);
                for (int i = first; i < last; i++)
                {
                    var target = new Span<float>((float*)m + ((long)i * width), width);
                    TensorPrimitives.Add(target, bias, target);
                }
            });
        }
    }

    /// <summary>
    /// <c>sums[j] = Σ_i matrix[i, j]</c> over the <paramref name="rows"/> rows in order (the first <paramref name="width"/> elements
    /// of <paramref name="sums"/>; cleared first). Workers take column ranges, so each sum runs its rows in the same order.
    /// </summary>
    public static unsafe void SumRows(ReadOnlySpan<float> matrix, Span<float> sums, int rows, int width, int threads)
    {
        CheckLengths((long)rows * width, sums.Length >= width ? (long)rows * width : -1, matrix.Length);
        fixed (float* pm = matrix, ps = sums)
        {
            var (m, s) = ((nint)pm, (nint)ps);
            For(width, rows, threads, (first, last) =>
            {
                var sum = new Span<float>((float*)s + first, last - first);
                sum.Clear();
                for (int i = 0; i < rows; i++)
                {
                    TensorPrimitives.Add(sum, new ReadOnlySpan<float>((float*)m + ((long)i * width) + first, last - first), sum);
                }
            });
        }
    }

    private static unsafe void ElementWise(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination, int threads, bool multiply)
    {
        CheckLengths(x.Length, y.Length, destination.Length);
        fixed (float* px = x, py = y, pd = destination)
        {
            var (a, b, d) = ((nint)px, (nint)py, (nint)pd);
            For(x.Length, 1, threads, (first, last) =>
            {
                var left = new ReadOnlySpan<float>((float*)a + first, last - first);
                var right = new ReadOnlySpan<float>((float*)b + first, last - first);
                var result = new Span<float>((float*)d + first, last - first);
                if (multiply)
                {
                    TensorPrimitives.Multiply(left, right, result);
                }
                else
                {
                    TensorPrimitives.Add(left, right, result);
                }
            });
        }
    }

    private static void CheckLengths(long needed, long other, long destination)
    {
        if (other < needed || destination < needed)
        {
            throw new ArgumentException($"Spans of {needed} elements expected; got {other} and {destination}.");
        }
    }
}

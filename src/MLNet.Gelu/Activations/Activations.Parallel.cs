namespace MLNet.Gelu;

public static partial class Activations
{
    /// <summary>Spans are cut into chunks of this many elements (256 KiB of input), one task each.</summary>
    internal const int ParallelChunkLength = 65536;

    /// <summary>Computes <paramref name="activation"/> of each element of <paramref name="x"/> into <paramref name="destination"/>
    /// on several threads: <c>destination[i] = f(x[i])</c>, bit for bit the same as <see cref="Apply(Activation, ReadOnlySpan{float}, Span{float})"/>.</summary>
    /// <remarks>The span is cut into chunks of 65,536 elements run by <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/>;
    /// spans shorter than two chunks, or <see cref="ParallelOptions.MaxDegreeOfParallelism"/> = 1, run on the calling thread.
    /// The calling thread takes chunks too, so the speed-up follows the cores that are free: with none free the call runs at
    /// about single-thread speed, with all free the kernels scale until memory bandwidth limits them (measurements:
    /// docs/benchmarks.md in the repository).
    /// Formulas, special values and error bounds are listed on <see cref="Activations"/>.</remarks>
    /// <param name="activation">The activation to apply.</param>
    /// <param name="x">The input values.</param>
    /// <param name="destination">Receives the results; may be the same span as <paramref name="x"/> (in place). Elements past <c>x.Length</c> are not touched.</param>
    /// <param name="parallelOptions">Degree of parallelism, scheduler and cancellation.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parallelOptions"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="x"/>, or the two spans overlap without starting at the same element.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="activation"/> is not a defined <see cref="Activation"/>.</exception>
    /// <exception cref="OperationCanceledException">The options' cancellation token was cancelled; <paramref name="destination"/> is then partly written.</exception>
    public static void Apply(Activation activation, ReadOnlySpan<float> x, Span<float> destination, ParallelOptions parallelOptions)
        => RunParallel(activation, derivative: false, x, destination, parallelOptions);

    /// <summary>Computes the derivative of <paramref name="activation"/> at each element of <paramref name="x"/> into <paramref name="destination"/>
    /// on several threads: <c>destination[i] = f′(x[i])</c>, bit for bit the same as <see cref="Derivative(Activation, ReadOnlySpan{float}, Span{float})"/>.</summary>
    /// <remarks>Chunks and threads as in <see cref="Apply(Activation, ReadOnlySpan{float}, Span{float}, ParallelOptions)"/>.</remarks>
    /// <param name="activation">The activation whose derivative is computed.</param>
    /// <param name="x">The input values.</param>
    /// <param name="destination">Receives the results; may be the same span as <paramref name="x"/> (in place). Elements past <c>x.Length</c> are not touched.</param>
    /// <param name="parallelOptions">Degree of parallelism, scheduler and cancellation.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parallelOptions"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="x"/>, or the two spans overlap without starting at the same element.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="activation"/> is not a defined <see cref="Activation"/>.</exception>
    /// <exception cref="OperationCanceledException">The options' cancellation token was cancelled; <paramref name="destination"/> is then partly written.</exception>
    public static void Derivative(Activation activation, ReadOnlySpan<float> x, Span<float> destination, ParallelOptions parallelOptions)
        => RunParallel(activation, derivative: true, x, destination, parallelOptions);

    private static unsafe void RunParallel(
        Activation activation, bool derivative, ReadOnlySpan<float> x, Span<float> destination, ParallelOptions parallelOptions)
    {
        ArgumentNullException.ThrowIfNull(parallelOptions);
        ValidateSpans(x, destination);
        ActivationKernels.EnsureKnown(activation);
        parallelOptions.CancellationToken.ThrowIfCancellationRequested();

        int length = x.Length;
        int chunks = (int)(((long)length + ParallelChunkLength - 1) / ParallelChunkLength);
        if (chunks < 2 || parallelOptions.MaxDegreeOfParallelism == 1)
        {
            RunChunk(activation, derivative, x, destination[..length]);
            return;
        }

        fixed (float* input = x)
        fixed (float* output = destination)
        {
            // The spans are pinned for the duration of the loop; the tasks see them as addresses.
            nint inputAddress = (nint)input;
            nint outputAddress = (nint)output;
            Parallel.For(0, chunks, parallelOptions, chunk =>
            {
                int start = chunk * ParallelChunkLength;
                int count = Math.Min(ParallelChunkLength, length - start);
                RunChunk(
                    activation,
                    derivative,
                    new ReadOnlySpan<float>((float*)inputAddress + start, count),
                    new Span<float>((float*)outputAddress + start, count));
            });
        }
    }

    private static void RunChunk(Activation activation, bool derivative, ReadOnlySpan<float> x, Span<float> destination)
    {
        if (derivative)
        {
            ActivationKernels.Derivative(activation, x, destination);
        }
        else
        {
            ActivationKernels.Apply(activation, x, destination);
        }
    }
}

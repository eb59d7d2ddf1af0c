namespace MLNet.Gelu.Tests.Activations;

/// <summary>The multi-threaded entry points give the single-threaded bits.</summary>
public class ParallelTests
{
    private static readonly ParallelOptions FourThreads = new() { MaxDegreeOfParallelism = 4 };

    [Theory]
    [MemberData(nameof(KernelPathData.ActivationsAndDerivatives), MemberType = typeof(KernelPathData))]
    public void Parallel_result_is_bit_identical_to_single_threaded(Activation activation, bool derivative)
    {
        int length = (5 * MLNet.Gelu.Activations.ParallelChunkLength) + 12345;
        float[] input = SpanHandlingTests.Inputs(length);
        var single = new float[length];
        var parallel = new float[length + 3];
        parallel.AsSpan(length).Fill(7f);
        Run(activation, derivative, input, single, null);
        Run(activation, derivative, input, parallel, FourThreads);
        Assert.True(single.AsSpan().SequenceEqual(parallel.AsSpan(0, length)), $"{activation} differs between threads and one thread.");
        Assert.All(parallel.Skip(length), v => Assert.Equal(7f, v));

        float[] inPlace = (float[])input.Clone();
        Run(activation, derivative, inPlace, inPlace, FourThreads);
        Assert.True(single.AsSpan().SequenceEqual(inPlace), $"{activation} in place differs between threads and one thread.");
    }

    [Fact]
    public void Small_spans_and_one_thread_give_the_same_bits()
    {
        float[] input = SpanHandlingTests.Inputs(1000);
        var single = new float[input.Length];
        var viaParallel = new float[input.Length];
        MLNet.Gelu.Activations.Apply(Activation.Gelu, input, single);
        MLNet.Gelu.Activations.Apply(Activation.Gelu, input, viaParallel, new ParallelOptions { MaxDegreeOfParallelism = 1 });
        Assert.True(single.AsSpan().SequenceEqual(viaParallel));
        MLNet.Gelu.Activations.Apply(Activation.Gelu, input, viaParallel, FourThreads);
        Assert.True(single.AsSpan().SequenceEqual(viaParallel));
    }

    [Fact]
    public void Arguments_are_checked_before_any_work()
    {
        Assert.Throws<ArgumentNullException>(() => MLNet.Gelu.Activations.Apply(Activation.Gelu, new float[4], new float[4], null!));
        var ex = Assert.Throws<ArgumentException>(() => MLNet.Gelu.Activations.Derivative(Activation.Gelu, new float[4], new float[3], FourThreads));
        Assert.Contains("too short", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => MLNet.Gelu.Activations.Apply((Activation)42, new float[200_000], new float[200_000], FourThreads));
    }

    [Fact]
    public void Cancelled_token_throws()
    {
        using var source = new CancellationTokenSource();
        source.Cancel();
        var options = new ParallelOptions { CancellationToken = source.Token };
        Assert.ThrowsAny<OperationCanceledException>(() => MLNet.Gelu.Activations.Apply(Activation.Gelu, new float[300_000], new float[300_000], options));
    }

    private static void Run(Activation activation, bool derivative, float[] x, float[] destination, ParallelOptions? options)
    {
        if (options is null)
        {
            if (derivative)
            {
                MLNet.Gelu.Activations.Derivative(activation, x, destination);
            }
            else
            {
                MLNet.Gelu.Activations.Apply(activation, x, destination);
            }
        }
        else if (derivative)
        {
            MLNet.Gelu.Activations.Derivative(activation, x, destination, options);
        }
        else
        {
            MLNet.Gelu.Activations.Apply(activation, x, destination, options);
        }
    }
}

using BenchmarkDotNet.Attributes;
using MLNet.Gelu.Benchmarks.Onnx;

namespace MLNet.Gelu.Benchmarks.Activations;

/// <summary>
/// One activation over a float array on one thread: the library's kernel against its peers, with
/// <see cref="Span{T}.CopyTo(Span{T})"/> as the baseline, so every ratio reads as "times slower than memcpy"
/// (the memory-bandwidth limit). 3079 = 6·512+7 exercises the vector remainder; 64K stays in L2; 4M (16 MB
/// per array) goes to memory.
/// </summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    private float[] _x = [];
    private float[] _y = [];
    private TensorPrimitivesKernels? _tensorPrimitives;
    private OneNodeSession? _onnxRuntime;

    /// <summary>The activation computed: all of them, or those listed in <c>MLNET_GELU_BENCH_ACTIVATIONS</c>.</summary>
    [ParamsSource(nameof(Activations))]
    public Activation Activation { get; set; }

    /// <summary>Number of floats: 3079, 64K and 4M, or those listed in <c>MLNET_GELU_BENCH_LENGTHS</c>.</summary>
    [ParamsSource(nameof(Lengths))]
    public int Length { get; set; }

    public static IEnumerable<Activation> Activations() => BenchmarkInputs.FromEnvironment(
        "MLNET_GELU_BENCH_ACTIVATIONS", Enum.GetValues<Activation>(), Enum.Parse<Activation>);

    public static IEnumerable<int> Lengths() => BenchmarkInputs.FromEnvironment(
        "MLNET_GELU_BENCH_LENGTHS", [3_079, 65_536, 4_194_304], int.Parse);

    [GlobalSetup]
    public void Setup()
    {
        _x = GC.AllocateUninitializedArray<float>(Length, pinned: true);
        _y = GC.AllocateUninitializedArray<float>(Length, pinned: true);
        BenchmarkInputs.FillUniform(_x, -6f, 6f, seed: 42);
        _tensorPrimitives = new TensorPrimitivesKernels(Length);
        _onnxRuntime = new OneNodeSession(Activation, _x, _y);
    }

    [GlobalCleanup]
    public void Cleanup() => _onnxRuntime?.Dispose();

    [Benchmark(Baseline = true)]
    public void CopyTo() => _x.AsSpan().CopyTo(_y);

    [Benchmark]
    public void Scalar() => ScalarKernels.Apply(Activation, _x, _y);

    [Benchmark]
    public void Library() => MLNet.Gelu.Activations.Apply(Activation, _x, _y);

    [Benchmark]
    public void TensorPrimitives() => _tensorPrimitives!.Apply(Activation, _x, _y);

    [Benchmark]
    public void OnnxRuntime() => _onnxRuntime!.Run();
}

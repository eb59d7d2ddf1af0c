using BenchmarkDotNet.Attributes;
using MLNet.Gelu.Benchmarks.Onnx;

namespace MLNet.Gelu.Benchmarks.Activations;

/// <summary>
/// The multi-threaded entry point on arrays far larger than the caches, against single-thread memcpy (the
/// baseline), chunked parallel memcpy (the machine's bandwidth limit), the single-thread kernel and
/// ONNX Runtime with one intra-op thread per core. See <see cref="ParallelApply"/> for which parallel path runs.
/// </summary>
[MemoryDiagnoser]
public class ParallelBenchmarks
{
    private readonly ParallelOptions _options = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };
    private float[] _x = [];
    private float[] _y = [];
    private OneNodeSession? _onnxRuntime;

    /// <summary>The activation computed.</summary>
    [Params(Activation.Gelu, Activation.GeluTanh)]
    public Activation Activation { get; set; }

    /// <summary>Number of floats (16 MB and 64 MB per array).</summary>
    [Params(4_194_304, 16_777_216)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _x = GC.AllocateUninitializedArray<float>(Length, pinned: true);
        _y = GC.AllocateUninitializedArray<float>(Length, pinned: true);
        BenchmarkInputs.FillUniform(_x, -6f, 6f, seed: 42);
        _onnxRuntime = new OneNodeSession(Activation, _x, _y, intraOpThreads: Environment.ProcessorCount);
        Console.WriteLine($"// Parallel Apply: {Environment.ProcessorCount} threads");
    }

    [GlobalCleanup]
    public void Cleanup() => _onnxRuntime?.Dispose();

    [Benchmark(Baseline = true)]
    public void CopyTo() => _x.AsSpan().CopyTo(_y);

    [Benchmark]
    public void ParallelCopyTo() => ParallelApply.CopyTo(_x, _y, _options);

    [Benchmark]
    public void Apply() => MLNet.Gelu.Activations.Apply(Activation, _x, _y);

    [Benchmark]
    public void ApplyParallel() => MLNet.Gelu.Activations.Apply(Activation, _x, _y, _options);

    [Benchmark]
    public void OnnxRuntime() => _onnxRuntime!.Run();
}

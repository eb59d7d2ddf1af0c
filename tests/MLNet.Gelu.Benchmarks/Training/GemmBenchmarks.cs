using BenchmarkDotNet.Attributes;
using MLNet.Gelu.Gemm;

namespace MLNet.Gelu.Benchmarks.Training;

/// <summary>
/// The MLP engine's SGEMM on the products of one MNIST training step (784‑256‑256‑10, batch 128) against ONNX Runtime's
/// (MLAS) on the same shapes and storage, 2 threads each, in the same run. The GFLOP/s and % FMA peak columns use
/// 2·m·n·k and the FMA peak measured on 2 threads. The engine runs products under 2²⁰ multiply-adds on one thread.
/// </summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private const int Threads = 2;
    private float[] _a = null!, _b = null!, _c = null!;
    private OrtGemmSession _ort = null!;

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = null!;

    public static IEnumerable<GemmShape> Shapes() => GemmShape.MnistMlp();

    [GlobalSetup]
    public void Setup()
    {
        _a = new float[Shape.M * Shape.K];
        _b = new float[Shape.K * Shape.N];
        _c = new float[Shape.M * Shape.N];
        BenchmarkInputs.FillUniform(_a, -1f, 1f, seed: 1);
        BenchmarkInputs.FillUniform(_b, -1f, 1f, seed: 2);
        _ort = new OrtGemmSession(Shape, _a, _b, _c, Threads);

        // The engine is managed code: without this, whichever shape runs first is measured partly at tier 0 (seen: the
        // first case 25× slower). Call it often enough, for long enough, that tiered compilation settles.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 200 || clock.ElapsedMilliseconds < 500; i++)
        {
            Ours();
        }

        Thread.Sleep(200);
    }

    [GlobalCleanup]
    public void Cleanup() => _ort.Dispose();

    [Benchmark(Baseline = true, Description = "ORT MatMul/Gemm (MLAS)")]
    public float Ort()
    {
        _ort.Run();
        return _c[^1];
    }

    [Benchmark(Description = "MLNet.Gelu Sgemm")]
    public float Ours()
    {
        switch (Shape.Form)
        {
            case GemmForm.NT:
                Sgemm.MultiplyNT(_a, _b, _c, Shape.M, Shape.N, Shape.K, Threads);
                break;
            case GemmForm.TN:
                Sgemm.MultiplyTN(_a, _b, _c, Shape.M, Shape.N, Shape.K, Threads);
                break;
            default:
                Sgemm.MultiplyNN(_a, _b, _c, Shape.M, Shape.N, Shape.K, Threads);
                break;
        }

        return _c[^1];
    }
}

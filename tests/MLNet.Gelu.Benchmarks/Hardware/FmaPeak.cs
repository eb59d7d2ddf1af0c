using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MLNet.Gelu.Benchmarks.Hardware;

/// <summary>
/// The machine's single-precision FMA peak, measured: each of N dedicated threads, released together by a barrier, runs a
/// loop of independent fused multiply-adds (12 accumulators, no dependency between consecutive FMAs, more than
/// latency × pipes in flight) in the widest vector the runtime accelerates. 2 flops per lane per FMA.
/// </summary>
/// <remarks>
/// Why measured and not computed: the nominal figure needs the core clock under load (a VM reports only the base
/// clock in /proc/cpuinfo) and the number of FMA pipes, which depends on the microarchitecture. AMD Zen 4 executes
/// AVX-512 on two 256-bit FMA pipes (a 512-bit FMA is issued as two halves), so it peaks at 16 FP32 FMAs per cycle per
/// core, the same as AVX2 code: 32 flops/cycle/core. Intel cores with two 512-bit FMA units reach 32 FMAs (64 flops).
/// The measurement also reports the flops per cycle implied by the base clock, as a check on that reasoning.
/// </remarks>
internal static class FmaPeak
{
    private const int Accumulators = 12;

    private static readonly Lazy<FmaPeakResult> Cached = new(() => Measure(Environment.ProcessorCount));

    /// <summary>The peak with one thread per processor, measured once per process (about 1.5 seconds; the best of many short runs, so brief interference from other processes drops out).</summary>
    public static FmaPeakResult Machine => Cached.Value;

    /// <summary>Measures the FMA throughput of <paramref name="threads"/> dedicated threads released together.</summary>
    public static FmaPeakResult Measure(int threads, double seconds = 1.5)
    {
        int width = Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? 16 : Fma.IsSupported ? 8 : 4;
        const long iterations = 10_000_000; // tens of milliseconds per thread: long against thread start-up
        Run(width, 20_000); // JIT and wake the cores
        double best = 0;
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < seconds || best == 0)
        {
            using var start = new Barrier(threads + 1);
            var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
            {
                start.SignalAndWait();
                Run(width, iterations);
            })).ToArray();
            foreach (var worker in workers)
            {
                worker.Start();
            }

            start.SignalAndWait();
            var clock = Stopwatch.StartNew();
            foreach (var worker in workers)
            {
                worker.Join();
            }

            double flops = 2.0 * width * Accumulators * iterations * threads;
            best = Math.Max(best, flops / clock.Elapsed.TotalSeconds);
        }

        return new FmaPeakResult(threads, width * 32, best, BaseClockHz());
    }

    private static float Run(int width, long iterations) => width switch
    {
        16 => Run512(iterations),
        8 => Run256(iterations),
        _ => Run128(iterations),
    };

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Run512(long iterations)
    {
        Vector512<float> a = Vector512.Create(1.0000001f), b = Vector512.Create(0.9999999f);
        Vector512<float> c0 = Vector512.Create(0f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Avx512F.FusedMultiplyAdd(a, b, c0); c1 = Avx512F.FusedMultiplyAdd(a, b, c1);
            c2 = Avx512F.FusedMultiplyAdd(a, b, c2); c3 = Avx512F.FusedMultiplyAdd(a, b, c3);
            c4 = Avx512F.FusedMultiplyAdd(a, b, c4); c5 = Avx512F.FusedMultiplyAdd(a, b, c5);
            c6 = Avx512F.FusedMultiplyAdd(a, b, c6); c7 = Avx512F.FusedMultiplyAdd(a, b, c7);
            c8 = Avx512F.FusedMultiplyAdd(a, b, c8); c9 = Avx512F.FusedMultiplyAdd(a, b, c9);
            c10 = Avx512F.FusedMultiplyAdd(a, b, c10); c11 = Avx512F.FusedMultiplyAdd(a, b, c11);
        }

        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Run256(long iterations)
    {
        Vector256<float> a = Vector256.Create(1.0000001f), b = Vector256.Create(0.9999999f);
        Vector256<float> c0 = Vector256.Create(0f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Fma.MultiplyAdd(a, b, c0); c1 = Fma.MultiplyAdd(a, b, c1);
            c2 = Fma.MultiplyAdd(a, b, c2); c3 = Fma.MultiplyAdd(a, b, c3);
            c4 = Fma.MultiplyAdd(a, b, c4); c5 = Fma.MultiplyAdd(a, b, c5);
            c6 = Fma.MultiplyAdd(a, b, c6); c7 = Fma.MultiplyAdd(a, b, c7);
            c8 = Fma.MultiplyAdd(a, b, c8); c9 = Fma.MultiplyAdd(a, b, c9);
            c10 = Fma.MultiplyAdd(a, b, c10); c11 = Fma.MultiplyAdd(a, b, c11);
        }

        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Run128(long iterations)
    {
        Vector128<float> a = Vector128.Create(1.0000001f), b = Vector128.Create(0.9999999f);
        Vector128<float> c0 = Vector128.Create(0f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Vector128.FusedMultiplyAdd(a, b, c0); c1 = Vector128.FusedMultiplyAdd(a, b, c1);
            c2 = Vector128.FusedMultiplyAdd(a, b, c2); c3 = Vector128.FusedMultiplyAdd(a, b, c3);
            c4 = Vector128.FusedMultiplyAdd(a, b, c4); c5 = Vector128.FusedMultiplyAdd(a, b, c5);
            c6 = Vector128.FusedMultiplyAdd(a, b, c6); c7 = Vector128.FusedMultiplyAdd(a, b, c7);
            c8 = Vector128.FusedMultiplyAdd(a, b, c8); c9 = Vector128.FusedMultiplyAdd(a, b, c9);
            c10 = Vector128.FusedMultiplyAdd(a, b, c10); c11 = Vector128.FusedMultiplyAdd(a, b, c11);
        }

        return Vector128.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    private static double? BaseClockHz()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("cpu MHz", StringComparison.Ordinal))
                {
                    return double.Parse(line[(line.IndexOf(':') + 1)..].Trim(), CultureInfo.InvariantCulture) * 1e6;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }
}

/// <summary>A measured FMA peak.</summary>
/// <param name="Threads">Threads that ran together.</param>
/// <param name="VectorBits">Width of the FMA instructions used.</param>
/// <param name="FlopsPerSecond">Best observed rate, 2 flops per FMA lane.</param>
/// <param name="ReportedClockHz">The clock /proc/cpuinfo reports (often the base clock), if readable.</param>
internal sealed record FmaPeakResult(int Threads, int VectorBits, double FlopsPerSecond, double? ReportedClockHz)
{
    /// <summary>Peak in GFLOP/s.</summary>
    public double Gflops => FlopsPerSecond / 1e9;

    /// <summary>One line for the console.</summary>
    public override string ToString()
    {
        string perCycle = ReportedClockHz is double hz
            ? $"; {FlopsPerSecond / (hz * Threads):0.0} flops/cycle/core at the reported {hz / 1e9:0.00} GHz"
            : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"measured FP32 FMA peak: {Gflops:0.0} GFLOP/s on {Threads} thread{(Threads == 1 ? "" : "s")} ({VectorBits}-bit FMA, 12 independent chains){perCycle}");
    }
}

using System.Diagnostics;
using System.Globalization;
using MLNet.Gelu.Benchmarks.Activations;
using MLNet.Gelu.Benchmarks.Training;

namespace MLNet.Gelu.Benchmarks;

/// <summary>
/// Library against ORT on a busy machine: the benchmark classes' own setup and methods, the two sides alternating in
/// short rounds (so both see the same load), each side's best round kept; the ratio of the best rounds is what a
/// quiet machine would show far more closely than means taken minutes apart. Prints one line per case.
/// </summary>
/// <remarks>
/// <c>--interleaved gelu</c>: exact GELU at 64K and 4M floats, one thread (<see cref="KernelBenchmarks"/>);
/// <c>--interleaved gemm</c>: the eight MNIST step products, 2 threads (<see cref="GemmBenchmarks"/>);
/// <c>--interleaved encoder-gemm</c>: the nine products of a MiniLM layer's training step at 32 × 64 positions, 2 threads;
/// <c>--rounds N</c> (default 200) sets the rounds per case.
/// </remarks>
internal static class Interleaved
{
    private const double RoundSeconds = 0.01;

    public static int Run(string[] args)
    {
        int at = Array.IndexOf(args, "--interleaved");
        string what = at + 1 < args.Length ? args[at + 1] : "";
        int roundsAt = Array.IndexOf(args, "--rounds");
        int rounds = roundsAt >= 0 && roundsAt + 1 < args.Length ? int.Parse(args[roundsAt + 1], CultureInfo.InvariantCulture) : 200;
        Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");
        switch (what)
        {
            case "gelu":
                foreach (int length in new[] { 65_536, 4_194_304 })
                {
                    var bench = new KernelBenchmarks { Activation = Activation.Gelu, Length = length };
                    bench.Setup();
                    Report($"Gelu {length}", Compare(bench.Library, bench.OnnxRuntime, rounds));
                    bench.Cleanup();
                }

                break;
            case "gemm":
            case "encoder-gemm":
                foreach (var shape in what == "gemm" ? GemmShape.MnistMlp() : GemmShape.MiniLmLayer())
                {
                    var bench = new GemmBenchmarks { Shape = shape };
                    bench.Setup();
                    Report(shape.ToString(), Compare(() => bench.Ours(), () => bench.Ort(), rounds));
                    bench.Cleanup();
                }

                break;
            default:
                Console.Error.WriteLine("--interleaved takes 'gelu', 'gemm' or 'encoder-gemm'.");
                return 1;
        }

        Console.WriteLine($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    private static void Report(string name, (double Library, double Ort, double[] RoundRatios) result)
    {
        // Spread: the ratio of the two sides within each round (same load), as the middle half of the rounds.
        double[] sorted = [.. result.RoundRatios.Order()];
        double q1 = sorted[sorted.Length / 4], median = sorted[sorted.Length / 2], q3 = sorted[sorted.Length * 3 / 4];
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{name}: library best {result.Library:F2} us, ORT best {result.Ort:F2} us, ORT/library {result.Ort / result.Library:F3} (per-round ratio median {median:F3}, quartiles {q1:F3}-{q3:F3})"));
    }

    private static (double Library, double Ort, double[] RoundRatios) Compare(Action library, Action ort, int rounds)
    {
        int reps = Calibrate(library);
        library();
        ort();
        double bestLibrary = double.MaxValue, bestOrt = double.MaxValue;
        var ratios = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            // Alternate which side goes first, so neither always follows the other.
            double l, o;
            if (r % 2 == 0)
            {
                l = Time(library, reps);
                o = Time(ort, reps);
            }
            else
            {
                o = Time(ort, reps);
                l = Time(library, reps);
            }

            bestLibrary = Math.Min(bestLibrary, l);
            bestOrt = Math.Min(bestOrt, o);
            ratios[r] = o / l;
        }

        return (bestLibrary, bestOrt, ratios);
    }

    private static int Calibrate(Action action)
    {
        for (int i = 0; i < 20; i++)
        {
            action();
        }

        double once = Time(action, 5);
        return Math.Max(1, (int)(RoundSeconds * 1e6 / once));
    }

    /// <summary>Mean microseconds per call over <paramref name="reps"/> calls.</summary>
    private static double Time(Action action, int reps)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < reps; i++)
        {
            action();
        }

        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / reps;
    }
}

using MLNet.Gelu.Benchmarks.Onnx;

namespace MLNet.Gelu.Benchmarks.Activations;

/// <summary>
/// <c>--verify</c>: runs every peer of <see cref="KernelBenchmarks"/> once and prints its largest difference from the
/// library, so a table is never read for peers that compute something else.
/// </summary>
internal static class PeerAgreement
{
    public static int Run()
    {
        const int length = 6 * 512 + 7;
        float[] x = GC.AllocateUninitializedArray<float>(length, pinned: true);
        float[] expected = new float[length];
        float[] actual = GC.AllocateUninitializedArray<float>(length, pinned: true);
        BenchmarkInputs.FillUniform(x, -6f, 6f, seed: 42);
        var tensorPrimitives = new TensorPrimitivesKernels(length);
        bool ok = true;

        Console.WriteLine($"{"activation",-12} {"ONNX Runtime op",-38} {"scalar",10} {"TensorPrim.",12} {"ORT",10}   (max |peer − MLNet.Gelu|)");
        foreach (Activation activation in Enum.GetValues<Activation>())
        {
            MLNet.Gelu.Activations.Apply(activation, x, expected);
            ScalarKernels.Apply(activation, x, actual);
            float scalar = MaxAbsDifference(expected, actual);
            tensorPrimitives.Apply(activation, x, actual);
            float composed = MaxAbsDifference(expected, actual);
            using (var session = new OneNodeSession(activation, x, actual))
            {
                session.Run();
            }

            float ort = MaxAbsDifference(expected, actual);
            Console.WriteLine($"{activation,-12} {OneNodeModel.Describe(activation),-38} {scalar,10:0.0e0} {composed,12:0.0e0} {ort,10:0.0e0}");
            ok &= scalar < 1e-5f && composed < 1e-5f && ort < 1e-5f;
        }

        ok &= ParallelAgrees();
        Console.WriteLine(ok ? "All peers agree within 1e-5." : "Some peer differs by 1e-5 or more: check it before reading its timings.");
        return ok ? 0 : 1;
    }

    /// <summary>The parallel path (<see cref="ParallelBenchmarks"/>) on an odd length spanning several chunks.</summary>
    private static bool ParallelAgrees()
    {
        int length = 3 * ParallelApply.ChunkLength + 7;
        float[] x = GC.AllocateUninitializedArray<float>(length, pinned: true);
        float[] expected = new float[length];
        float[] actual = GC.AllocateUninitializedArray<float>(length, pinned: true);
        BenchmarkInputs.FillUniform(x, -6f, 6f, seed: 7);
        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };

        MLNet.Gelu.Activations.Apply(Activation.Gelu, x, expected);
        MLNet.Gelu.Activations.Apply(Activation.Gelu, x, actual, options);
        float parallel = MaxAbsDifference(expected, actual);
        using (var session = new OneNodeSession(Activation.Gelu, x, actual, intraOpThreads: Environment.ProcessorCount))
        {
            session.Run();
        }

        float ort = MaxAbsDifference(expected, actual);
        Console.WriteLine($"Gelu, {length} floats, {Environment.ProcessorCount} threads: parallel Apply {parallel:0.0e0}, ORT {ort:0.0e0}");
        return parallel == 0f && ort < 1e-5f;
    }

    private static float MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = MathF.Max(max, MathF.Abs(a[i] - b[i]));
        }

        return max;
    }
}

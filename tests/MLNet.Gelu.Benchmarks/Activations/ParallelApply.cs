using System.Reflection;
using MLNet.Gelu;

namespace MLNet.Gelu.Benchmarks.Activations;

/// <summary>
/// The multi-threaded entry point under test. Uses the library's
/// <c>Activations.Apply(Activation, ReadOnlySpan&lt;float&gt;, Span&lt;float&gt;, ParallelOptions)</c> when the referenced
/// MLNet.Gelu has it; until then, a stand-in that runs the single-thread <c>Apply</c> over chunks with
/// <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/>. <see cref="Source"/> says which one ran.
/// </summary>
/// <remarks>
/// Once the overload ships, replace this class by a direct call (the reflection is only here so the benchmarks
/// compile against both versions of the library).
/// </remarks>
internal static class ParallelApply
{
    /// <summary>Chunk size of the stand-in: 64K floats (256 KB) per task.</summary>
    public const int ChunkLength = 1 << 16;

    private delegate void ApplyWithOptions(Activation activation, ReadOnlySpan<float> x, Span<float> destination, ParallelOptions options);

    private static readonly ApplyWithOptions? Library = FindLibraryOverload();

    /// <summary>"library" when the library's parallel overload runs, otherwise a description of the stand-in.</summary>
    public static string Source => Library is null ? "stand-in: Parallel.For over 64K chunks of single-thread Apply" : "library overload";

    public static void Apply(Activation activation, float[] x, float[] destination, ParallelOptions options)
    {
        if (Library is not null)
        {
            Library(activation, x, destination, options);
            return;
        }

        int chunks = (x.Length + ChunkLength - 1) / ChunkLength;
        Parallel.For(0, chunks, options, chunk =>
        {
            int start = chunk * ChunkLength;
            int length = Math.Min(ChunkLength, x.Length - start);
            MLNet.Gelu.Activations.Apply(activation, x.AsSpan(start, length), destination.AsSpan(start, length));
        });
    }

    /// <summary>Copies <paramref name="x"/> into <paramref name="destination"/> with the same chunking (the parallel bandwidth limit).</summary>
    public static void CopyTo(float[] x, float[] destination, ParallelOptions options)
    {
        int chunks = (x.Length + ChunkLength - 1) / ChunkLength;
        Parallel.For(0, chunks, options, chunk =>
        {
            int start = chunk * ChunkLength;
            int length = Math.Min(ChunkLength, x.Length - start);
            x.AsSpan(start, length).CopyTo(destination.AsSpan(start, length));
        });
    }

    private static ApplyWithOptions? FindLibraryOverload()
    {
        MethodInfo? method = typeof(MLNet.Gelu.Activations).GetMethod(
            nameof(MLNet.Gelu.Activations.Apply),
            BindingFlags.Public | BindingFlags.Static,
            [typeof(Activation), typeof(ReadOnlySpan<float>), typeof(Span<float>), typeof(ParallelOptions)]);
        return method?.CreateDelegate<ApplyWithOptions>();
    }
}

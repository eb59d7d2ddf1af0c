
namespace MLNet.Gelu.Benchmarks.Activations;

/// <summary>Parallel copies with the library's chunking: the bandwidth limit of the parallel <c>Apply</c>.</summary>
internal static class ParallelApply
{
    /// <summary>Chunk size: 64K floats (256 KB) per task, as the library's parallel overload uses.</summary>
    public const int ChunkLength = 1 << 16;

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
}

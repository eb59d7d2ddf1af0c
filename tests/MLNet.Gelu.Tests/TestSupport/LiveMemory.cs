namespace MLNet.Gelu.Tests.TestSupport;

/// <summary>
/// The managed heap's live bytes at chosen points of a long call or pass (a row count, a text index), each taken after
/// a full blocking collection (<c>GC.GetTotalMemory(true)</c>), so that garbage not yet collected never counts: what is
/// sampled is what the code under test holds. Sampling allocates nothing. Run such tests alone (a collection with
/// parallelization off), or other tests' objects count too.
/// </summary>
internal sealed class LiveMemory(int capacity)
{
    private readonly long[] _bytes = new long[capacity];
    private readonly long[] _at = new long[capacity];
    private int _count;

    /// <summary>The live bytes sampled, in order.</summary>
    public ReadOnlySpan<long> Bytes => _bytes.AsSpan(0, _count);

    /// <summary>Where each sample was taken (the caller's position: a row, a text index).</summary>
    public ReadOnlySpan<long> At => _at.AsSpan(0, _count);

    /// <summary>Live bytes now, after a full collection.</summary>
    public static long Now() => GC.GetTotalMemory(forceFullCollection: true);

    /// <summary>Takes a sample at <paramref name="position"/>; once the capacity is used up, does nothing.</summary>
    public void Sample(long position)
    {
        if (_count < _bytes.Length)
        {
            _at[_count] = position;
            _bytes[_count++] = Now();
        }
    }

    /// <summary>The samples as "position: MiB" for messages.</summary>
    public string Describe() =>
        string.Join(", ", Enumerable.Range(0, _count).Select(i => $"{_at[i]}: {_bytes[i] / 1048576.0:F2} MiB"));
}

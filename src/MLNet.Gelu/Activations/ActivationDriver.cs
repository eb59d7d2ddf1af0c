using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLNet.Gelu;

/// <summary>
/// Runs an <see cref="IActivationOperator"/> over a span: whole vectors, then the last full vector again
/// (overlapping, loaded before anything is written so that in-place works), or a zero-padded stack vector when
/// the span is shorter than one vector. Callers validate the spans (same length or longer destination; no
/// partial overlap).
/// </summary>
internal static class ActivationDriver
{
    /// <summary>Picks the widest accelerated width that fits the span.</summary>
    internal static void Apply<TOp>(ReadOnlySpan<float> x, Span<float> destination)
        where TOp : IActivationOperator
    {
        int n = x.Length;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            ApplyVector512<TOp>(x, destination);
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            ApplyVector256<TOp>(x, destination);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            ApplyVector128<TOp>(x, destination);
        }
        else
        {
            ApplyScalar<TOp>(x, destination);
        }
    }

    /// <summary>Runs the given path (used by tests and benchmarks to exercise every width).</summary>
    internal static void Apply<TOp>(ReadOnlySpan<float> x, Span<float> destination, KernelPath path)
        where TOp : IActivationOperator
    {
        switch (path)
        {
            case KernelPath.Scalar: ApplyScalar<TOp>(x, destination); break;
            case KernelPath.Vector128: ApplyVector128<TOp>(x, destination); break;
            case KernelPath.Vector256: ApplyVector256<TOp>(x, destination); break;
            case KernelPath.Vector512: ApplyVector512<TOp>(x, destination); break;
            default: throw new ArgumentOutOfRangeException(nameof(path), path, "Unknown kernel path.");
        }
    }

    internal static void ApplyScalar<TOp>(ReadOnlySpan<float> x, Span<float> destination)
        where TOp : IActivationOperator
    {
        for (int i = 0; i < x.Length; i++)
        {
            destination[i] = TOp.Invoke(x[i]);
        }
    }

    internal static void ApplyVector128<TOp>(ReadOnlySpan<float> x, Span<float> destination)
        where TOp : IActivationOperator
    {
        const int Count = 4;
        int n = x.Length;
        if (n < Count)
        {
            Span<float> buffer = stackalloc float[Count];
            buffer.Clear();
            x.CopyTo(buffer);
            ref float b = ref MemoryMarshal.GetReference(buffer);
            TOp.Invoke(Vector128.LoadUnsafe(ref b)).StoreUnsafe(ref b);
            buffer[..n].CopyTo(destination);
            return;
        }

        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(destination);
        nuint lastStart = (nuint)(n - Count);
        Vector128<float> last = Vector128.LoadUnsafe(ref xr, lastStart);
        nuint i = 0;
        for (; i <= lastStart; i += Count)
        {
            TOp.Invoke(Vector128.LoadUnsafe(ref xr, i)).StoreUnsafe(ref yr, i);
        }

        if (i != (nuint)n)
        {
            TOp.Invoke(last).StoreUnsafe(ref yr, lastStart);
        }
    }

    internal static void ApplyVector256<TOp>(ReadOnlySpan<float> x, Span<float> destination)
        where TOp : IActivationOperator
    {
        const int Count = 8;
        int n = x.Length;
        if (n < Count)
        {
            Span<float> buffer = stackalloc float[Count];
            buffer.Clear();
            x.CopyTo(buffer);
            ref float b = ref MemoryMarshal.GetReference(buffer);
            TOp.Invoke(Vector256.LoadUnsafe(ref b)).StoreUnsafe(ref b);
            buffer[..n].CopyTo(destination);
            return;
        }

        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(destination);
        nuint lastStart = (nuint)(n - Count);
        Vector256<float> last = Vector256.LoadUnsafe(ref xr, lastStart);
        nuint i = 0;
        for (; i <= lastStart; i += Count)
        {
            TOp.Invoke(Vector256.LoadUnsafe(ref xr, i)).StoreUnsafe(ref yr, i);
        }

        if (i != (nuint)n)
        {
            TOp.Invoke(last).StoreUnsafe(ref yr, lastStart);
        }
    }

    internal static void ApplyVector512<TOp>(ReadOnlySpan<float> x, Span<float> destination)
        where TOp : IActivationOperator
    {
        const int Count = 16;
        int n = x.Length;
        if (n < Count)
        {
            Span<float> buffer = stackalloc float[Count];
            buffer.Clear();
            x.CopyTo(buffer);
            ref float b = ref MemoryMarshal.GetReference(buffer);
            TOp.Invoke(Vector512.LoadUnsafe(ref b)).StoreUnsafe(ref b);
            buffer[..n].CopyTo(destination);
            return;
        }

        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(destination);
        nuint lastStart = (nuint)(n - Count);
        Vector512<float> last = Vector512.LoadUnsafe(ref xr, lastStart);
        nuint i = 0;
        for (; i + Count <= lastStart; i += 2 * Count)
        {
            var y0 = TOp.Invoke(Vector512.LoadUnsafe(ref xr, i));
            var y1 = TOp.Invoke(Vector512.LoadUnsafe(ref xr, i + Count));
            y0.StoreUnsafe(ref yr, i);
            y1.StoreUnsafe(ref yr, i + Count);
        }

        for (; i <= lastStart; i += Count)
        {
            TOp.Invoke(Vector512.LoadUnsafe(ref xr, i)).StoreUnsafe(ref yr, i);
        }

        if (i != (nuint)n)
        {
            TOp.Invoke(last).StoreUnsafe(ref yr, lastStart);
        }
    }
}

using System.Runtime.Intrinsics;

namespace MLNet.Gelu;

/// <summary>Which instruction width a kernel runs on; <see cref="ActivationDriver"/> picks the widest accelerated one.</summary>
internal enum KernelPath
{
    Scalar,
    Vector128,
    Vector256,
    Vector512,
}

internal static class KernelPaths
{
    /// <summary>Whether <paramref name="path"/> runs as vector instructions on this machine (scalar always does).</summary>
    internal static bool IsAccelerated(KernelPath path) => path switch
    {
        KernelPath.Scalar => true,
        KernelPath.Vector128 => Vector128.IsHardwareAccelerated,
        KernelPath.Vector256 => Vector256.IsHardwareAccelerated,
        KernelPath.Vector512 => Vector512.IsHardwareAccelerated,
        _ => false,
    };

    /// <summary>The paths that run as real instructions here, narrowest first.</summary>
    internal static IReadOnlyList<KernelPath> Accelerated { get; } =
        [.. Enum.GetValues<KernelPath>().Where(IsAccelerated)];
}

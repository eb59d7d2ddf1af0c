namespace MLNet.Gelu.Gemm;

internal static partial class Sgemm
{
    /// <summary>
    /// Per-thread packing buffers on the pinned object heap, aligned to 64 bytes, reused by every product on that thread:
    /// op(B) for all of k of one column tile (grown on demand), one zero-padded panel of op(A) and an edge tile.
    /// </summary>
    private sealed unsafe class PackingBuffers
    {
        private const int AlignFloats = 16;
        private const int EdgeFloats = MR * 32;

        [ThreadStatic]
        private static PackingBuffers? _current;

        private readonly float[] _storage;
        private float[] _b = [];

        private PackingBuffers()
        {
            int aFloats = MR * KBlock;
            _storage = GC.AllocateUninitializedArray<float>(aFloats + EdgeFloats + (2 * AlignFloats), pinned: true);
            float* p = (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref _storage[0]);
            A = Align(p);
            Edge = Align(A + aFloats);
        }

        public float* A { get; }

        public float* Edge { get; }

        public static PackingBuffers ForCurrentThread() => _current ??= new PackingBuffers();

        /// <summary>The op(B) buffer, at least <paramref name="floats"/> long.</summary>
        public float* EnsureB(long floats)
        {
            if (_b.Length < floats + AlignFloats)
            {
                _b = GC.AllocateUninitializedArray<float>(checked((int)(floats + AlignFloats)), pinned: true);
            }

            return Align((float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref _b[0]));
        }

        private static float* Align(float* p) => (float*)(((nuint)p + 63) & ~(nuint)63);
    }
}

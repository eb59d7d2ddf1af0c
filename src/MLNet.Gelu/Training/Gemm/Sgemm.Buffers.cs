namespace MLNet.Gelu.Gemm;

internal static partial class Sgemm
{
    /// <summary>Per-thread packing buffers on the pinned object heap, aligned to 64 bytes, reused by every product on that thread.</summary>
    private sealed unsafe class PackingBuffers
    {
        private const int AlignFloats = 16;
        private const int EdgeFloats = MR * 32;

        [ThreadStatic]
        private static PackingBuffers? _current;

        private readonly float[] _storage;

        private PackingBuffers()
        {
            int aFloats = MaxTileRows * KBlock;
            int bFloats = KBlock * MaxTileColumns;
            _storage = GC.AllocateUninitializedArray<float>(aFloats + bFloats + EdgeFloats + (3 * AlignFloats), pinned: true);
            float* p = (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref _storage[0]);
            A = Align(p);
            B = Align(A + aFloats);
            Edge = Align(B + bFloats);
        }

        public float* A { get; }

        public float* B { get; }

        public float* Edge { get; }

        public static PackingBuffers ForCurrentThread() => _current ??= new PackingBuffers();

        private static float* Align(float* p) => (float*)(((nuint)p + 63) & ~(nuint)63);
    }
}

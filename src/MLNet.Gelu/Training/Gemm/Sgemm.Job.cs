namespace MLNet.Gelu.Gemm;

internal static partial class Sgemm
{
    /// <summary>Largest tile height (rows of C computed per pass over a k-block); a multiple of <see cref="MR"/>.</summary>
    private const int MaxTileRows = 240;

    /// <summary>Largest tile width (columns of C computed per packed B block); a multiple of every panel width.</summary>
    private const int MaxTileColumns = 512;

    /// <summary>
    /// Floats of op(B) packed at once (all of k for one column tile) that the plan aims under: 512 KB, so the block stays
    /// in a core's L2 while the row tiles stream past it (1 and 4 MB measured no faster on MiniLM's products) and a
    /// thread's buffer stays small.
    /// </summary>
    private const int PackedBFloats = 1 << 17;

    /// <summary>One product cut into tiles of C; each tile is computed whole (all of k) by one worker.</summary>
    private unsafe partial struct Job
    {
        public float* A;
        public float* B;
        public float* C;
        public int Lda;
        public int Ldb;
        public int Ldc;
        public int M;
        public int N;
        public int K;
        public bool TransposeA;
        public bool TransposeB;
        public bool Accumulate;

        /// <summary>C holds the transpose of the product computed: tile element (i, j) goes to C[j·Ldc + i].</summary>
        public bool TransposeC;
        public SgemmKernel Kernel;
        public int NR;
        public int TileRows;
        public int TileColumns;
        public int TilesAcross;
        public int TileCount;

        /// <summary>Chooses the tile size: as large as the packing buffers allow, halved until every worker has a tile.</summary>
        public void Plan(int workers)
        {
            // Balanced tiles: 128 rows make one tile of 128, not 120 + 8.
            // op(B) is packed for all of k per column tile: at most PackedBFloats, but never narrower than one panel.
            int maxCols = Math.Max(NR, Math.Min(MaxTileColumns, PackedBFloats / RoundUp(K, KBlock)) / NR * NR);
            int rows = RoundUp(CeilDiv(M, CeilDiv(M, MaxTileRows)), MR);
            int cols = RoundUp(CeilDiv(N, CeilDiv(N, maxCols)), NR);
            while (CeilDiv(M, rows) * CeilDiv(N, cols) < workers)
            {
                if (cols > NR && (cols >= rows || rows <= MR))
                {
                    cols = RoundUp(cols / 2, NR);
                }
                else if (rows > MR)
                {
                    rows = RoundUp(rows / 2, MR);
                }
                else
                {
                    break;
                }
            }

            TileRows = rows;
            TileColumns = cols;
            TilesAcross = CeilDiv(N, cols);
            TileCount = CeilDiv(M, rows) * TilesAcross;
        }

        /// <summary>
        /// Computes tiles [<paramref name="first"/>, <paramref name="last"/>) (row-tile major). Per column tile, op(B) is packed
        /// once for all of k (or, when even one panel's worth of k exceeds <see cref="PackedBFloats"/>, for one range of
        /// k-blocks at a time) and reused by every row tile of this worker's share; op(A) is read in place by the
        /// micro-kernels (only a last panel of fewer than <see cref="MR"/> rows is packed, zero-padded). Every element of C
        /// sees its k-blocks in ascending order, so the arithmetic is the same whatever the tiling.
        /// </summary>
        public readonly void RunTiles(int first, int last)
        {
            PackingBuffers buffers = PackingBuffers.ForCurrentThread();
            int kRange = Math.Min(RoundUp(K, KBlock), Math.Max(KBlock, PackedBFloats / TileColumns / KBlock * KBlock));
            float* packB = buffers.EnsureB((long)kRange * TileColumns);
            float* edgeA = buffers.A;
            float* edge = buffers.Edge;
            nint rowStride = TransposeA ? 1 : Lda, innerStride = TransposeA ? Lda : 1;
            for (int column = 0; column < TilesAcross; column++)
            {
                // Tile t = rowTile·TilesAcross + column: this worker's row tiles of the column are a contiguous range.
                int rowFirst = first <= column ? 0 : CeilDiv(first - column, TilesAcross);
                int rowLast = last <= column ? 0 : CeilDiv(last - column, TilesAcross);
                if (rowFirst >= rowLast)
                {
                    continue;
                }

                int j0 = column * TileColumns;
                int cols = Math.Min(TileColumns, N - j0);
                for (int k0 = 0; k0 < K; k0 += kRange)
                {
                    int kEnd = Math.Min(K, k0 + kRange);
                    RunColumnTile(packB, edgeA, edge, rowStride, innerStride, rowFirst, rowLast, j0, cols, k0, kEnd);
                }
            }
        }

        /// <summary>Packs op(B) for k in [<paramref name="k0"/>, <paramref name="kEnd"/>) of one column tile, then runs those
        /// k-blocks for the row tiles [<paramref name="rowFirst"/>, <paramref name="rowLast"/>).</summary>
        private readonly void RunColumnTile(
            float* packB, float* edgeA, float* edge, nint rowStride, nint innerStride, int rowFirst, int rowLast, int j0, int cols, int k0, int kEnd)
        {
            for (int p0 = k0; p0 < kEnd; p0 += KBlock)
            {
                PackB(packB + ((long)(p0 - k0) * TileColumns), p0, Math.Min(KBlock, kEnd - p0), j0, cols);
            }

            for (int rowTile = rowFirst; rowTile < rowLast; rowTile++)
            {
                int i0 = rowTile * TileRows;
                int rows = Math.Min(TileRows, M - i0);
                int fullRows = rows / MR * MR;
                for (int p0 = k0; p0 < kEnd; p0 += KBlock)
                {
                    int kc = Math.Min(KBlock, kEnd - p0);
                    if (fullRows < rows)
                    {
                        PackA(edgeA, i0 + fullRows, rows - fullRows, p0, kc);
                    }

                    bool add = Accumulate || p0 > 0;
                    float* bBlock = packB + ((long)(p0 - k0) * TileColumns);
                    for (int jp = 0; jp < cols; jp += NR)
                    {
                        float* bPanel = bBlock + ((long)jp * kc);
                        int panelCols = Math.Min(NR, cols - jp);
                        for (int ip = 0; ip < rows; ip += MR)
                        {
                            bool inPlace = ip < fullRows;
                            float* aBlock = !inPlace ? edgeA
                                : TransposeA ? A + ((long)p0 * Lda) + i0 + ip
                                : A + ((long)(i0 + ip) * Lda) + p0;
                            nint rs = inPlace ? rowStride : 1, ks = inPlace ? innerStride : MR;
                            float* cTile = TransposeC
                                ? C + ((long)(j0 + jp) * Ldc) + i0 + ip
                                : C + ((long)(i0 + ip) * Ldc) + j0 + jp;
                            int panelRows = Math.Min(MR, rows - ip);
                            switch (Kernel)
                            {
                                case SgemmKernel.Vector512:
                                    MicroKernel512(kc, aBlock, rs, ks, bPanel, cTile, Ldc, panelRows, panelCols, add, TransposeC, edge);
                                    break;
                                case SgemmKernel.Vector256:
                                    MicroKernel256(kc, aBlock, rs, ks, bPanel, cTile, Ldc, panelRows, panelCols, add, TransposeC, edge);
                                    break;
                                default:
                                    MicroKernel128(kc, aBlock, rs, ks, bPanel, cTile, Ldc, panelRows, panelCols, add, TransposeC, edge);
                                    break;
                            }
                        }
                    }
                }
            }
        }
    }

    private static int CeilDiv(int x, int y) => (x + y - 1) / y;

    private static int RoundUp(int x, int multiple) => CeilDiv(Math.Max(x, 1), multiple) * multiple;
}

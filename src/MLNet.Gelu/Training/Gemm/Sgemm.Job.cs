namespace MLNet.Gelu.Gemm;

internal static partial class Sgemm
{
    /// <summary>Largest tile height (rows of C computed per packed A block); a multiple of <see cref="MR"/>.</summary>
    private const int MaxTileRows = 240;

    /// <summary>Largest tile width (columns of C computed per packed B block); a multiple of every panel width.</summary>
    private const int MaxTileColumns = 512;

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
            int rows = RoundUp(CeilDiv(M, CeilDiv(M, MaxTileRows)), MR);
            int cols = RoundUp(CeilDiv(N, CeilDiv(N, MaxTileColumns)), NR);
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

        public readonly void RunTiles(int first, int last)
        {
            PackingBuffers buffers = PackingBuffers.ForCurrentThread();
            float* packA = buffers.A;
            float* packB = buffers.B;
            float* edge = buffers.Edge;
            for (int t = first; t < last; t++)
            {
                int i0 = t / TilesAcross * TileRows;
                int j0 = t % TilesAcross * TileColumns;
                int rows = Math.Min(TileRows, M - i0);
                int cols = Math.Min(TileColumns, N - j0);
                for (int p0 = 0; p0 < K; p0 += KBlock)
                {
                    int kc = Math.Min(KBlock, K - p0);
                    PackB(packB, p0, kc, j0, cols);
                    PackA(packA, i0, rows, p0, kc);
                    bool add = Accumulate || p0 > 0;
                    for (int jp = 0; jp < cols; jp += NR)
                    {
                        float* bPanel = packB + ((long)jp * kc);
                        int panelCols = Math.Min(NR, cols - jp);
                        for (int ip = 0; ip < rows; ip += MR)
                        {
                            float* aPanel = packA + ((long)ip * kc);
                            float* cTile = TransposeC
                                ? C + ((long)(j0 + jp) * Ldc) + i0 + ip
                                : C + ((long)(i0 + ip) * Ldc) + j0 + jp;
                            int panelRows = Math.Min(MR, rows - ip);
                            switch (Kernel)
                            {
                                case SgemmKernel.Vector512:
                                    MicroKernel512(kc, aPanel, bPanel, cTile, Ldc, panelRows, panelCols, add, TransposeC, edge);
                                    break;
                                case SgemmKernel.Vector256:
                                    MicroKernel256(kc, aPanel, bPanel, cTile, Ldc, panelRows, panelCols, add, TransposeC, edge);
                                    break;
                                default:
                                    MicroKernel128(kc, aPanel, bPanel, cTile, Ldc, panelRows, panelCols, add, TransposeC, edge);
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

using System.Runtime.Intrinsics;

namespace MLNet.Gelu.Gemm;

internal static partial class Sgemm
{
    /// <summary>
    /// C[rows×cols] (+)= A block · B panel (kc × 8, packed), as 6 × 2 accumulators of Vector128, one FMA chain per element.
    /// The A block is 6 rows × kc read in place: row r, inner index p at <c>a[r·rs + p·ks]</c> (a packed panel: rs = 1, ks = 6).
    /// Partial tiles, and every tile of a transposed C, go through <paramref name="edge"/> so every element sees the same arithmetic.
    /// </summary>
    private static unsafe void MicroKernel128(int kc, float* a, nint rs, nint ks, float* b, float* c, int ldc, int rows, int cols, bool add, bool transposeC, float* edge)
    {
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector128<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        nint r2 = 2 * rs, r3 = 3 * rs, r4 = 4 * rs, r5 = 5 * rs;
        for (int p = 0; p < kc; p++)
        {
            Vector128<float> b0 = Vector128.Load(b);
            Vector128<float> b1 = Vector128.Load(b + 4);
            Vector128<float> x = Vector128.Create(a[0]);
            c00 = Vector128.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector128.FusedMultiplyAdd(x, b1, c01);
            x = Vector128.Create(a[rs]);
            c10 = Vector128.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector128.FusedMultiplyAdd(x, b1, c11);
            x = Vector128.Create(a[r2]);
            c20 = Vector128.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector128.FusedMultiplyAdd(x, b1, c21);
            x = Vector128.Create(a[r3]);
            c30 = Vector128.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector128.FusedMultiplyAdd(x, b1, c31);
            x = Vector128.Create(a[r4]);
            c40 = Vector128.FusedMultiplyAdd(x, b0, c40);
            c41 = Vector128.FusedMultiplyAdd(x, b1, c41);
            x = Vector128.Create(a[r5]);
            c50 = Vector128.FusedMultiplyAdd(x, b0, c50);
            c51 = Vector128.FusedMultiplyAdd(x, b1, c51);
            a += ks;
            b += 8;
        }

        bool full = rows == MR && cols == 8 && !transposeC;
        float* t = full ? c : edge;
        int ld = full ? ldc : 8;
        if (full && add)
        {
            Store128(c00 + Vector128.Load(t), c01 + Vector128.Load(t + 4), t);
            Store128(c10 + Vector128.Load(t + ld), c11 + Vector128.Load(t + ld + 4), t + ld);
            Store128(c20 + Vector128.Load(t + (2 * ld)), c21 + Vector128.Load(t + (2 * ld) + 4), t + (2 * ld));
            Store128(c30 + Vector128.Load(t + (3 * ld)), c31 + Vector128.Load(t + (3 * ld) + 4), t + (3 * ld));
            Store128(c40 + Vector128.Load(t + (4 * ld)), c41 + Vector128.Load(t + (4 * ld) + 4), t + (4 * ld));
            Store128(c50 + Vector128.Load(t + (5 * ld)), c51 + Vector128.Load(t + (5 * ld) + 4), t + (5 * ld));
            return;
        }

        Store128(c00, c01, t);
        Store128(c10, c11, t + ld);
        Store128(c20, c21, t + (2 * ld));
        Store128(c30, c31, t + (3 * ld));
        Store128(c40, c41, t + (4 * ld));
        Store128(c50, c51, t + (5 * ld));
        if (!full)
        {
            CopyEdge(edge, 8, c, ldc, rows, cols, add, transposeC);
        }
    }

    private static unsafe void Store128(Vector128<float> lo, Vector128<float> hi, float* destination)
    {
        lo.Store(destination);
        hi.Store(destination + 4);
    }

    /// <summary>
    /// C[rows×cols] (+)= A block · B panel (kc × 16, packed), as 6 × 2 accumulators of Vector256, one FMA chain per element.
    /// The A block is 6 rows × kc read in place: row r, inner index p at <c>a[r·rs + p·ks]</c> (a packed panel: rs = 1, ks = 6).
    /// Partial tiles, and every tile of a transposed C, go through <paramref name="edge"/> so every element sees the same arithmetic.
    /// </summary>
    private static unsafe void MicroKernel256(int kc, float* a, nint rs, nint ks, float* b, float* c, int ldc, int rows, int cols, bool add, bool transposeC, float* edge)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        nint r2 = 2 * rs, r3 = 3 * rs, r4 = 4 * rs, r5 = 5 * rs;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b);
            Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> x = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a[rs]);
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a[r2]);
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a[r3]);
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(a[r4]);
            c40 = Vector256.FusedMultiplyAdd(x, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(a[r5]);
            c50 = Vector256.FusedMultiplyAdd(x, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
            a += ks;
            b += 16;
        }

        bool full = rows == MR && cols == 16 && !transposeC;
        float* t = full ? c : edge;
        int ld = full ? ldc : 16;
        if (full && add)
        {
            Store256(c00 + Vector256.Load(t), c01 + Vector256.Load(t + 8), t);
            Store256(c10 + Vector256.Load(t + ld), c11 + Vector256.Load(t + ld + 8), t + ld);
            Store256(c20 + Vector256.Load(t + (2 * ld)), c21 + Vector256.Load(t + (2 * ld) + 8), t + (2 * ld));
            Store256(c30 + Vector256.Load(t + (3 * ld)), c31 + Vector256.Load(t + (3 * ld) + 8), t + (3 * ld));
            Store256(c40 + Vector256.Load(t + (4 * ld)), c41 + Vector256.Load(t + (4 * ld) + 8), t + (4 * ld));
            Store256(c50 + Vector256.Load(t + (5 * ld)), c51 + Vector256.Load(t + (5 * ld) + 8), t + (5 * ld));
            return;
        }

        Store256(c00, c01, t);
        Store256(c10, c11, t + ld);
        Store256(c20, c21, t + (2 * ld));
        Store256(c30, c31, t + (3 * ld));
        Store256(c40, c41, t + (4 * ld));
        Store256(c50, c51, t + (5 * ld));
        if (!full)
        {
            CopyEdge(edge, 16, c, ldc, rows, cols, add, transposeC);
        }
    }

    private static unsafe void Store256(Vector256<float> lo, Vector256<float> hi, float* destination)
    {
        lo.Store(destination);
        hi.Store(destination + 8);
    }

    /// <summary>
    /// C[rows×cols] (+)= A block · B panel (kc × 32, packed), as 6 × 2 accumulators of Vector512, one FMA chain per element.
    /// The A block is 6 rows × kc read in place: row r, inner index p at <c>a[r·rs + p·ks]</c> (a packed panel: rs = 1, ks = 6).
    /// Partial tiles, and every tile of a transposed C, go through <paramref name="edge"/> so every element sees the same arithmetic.
    /// </summary>
    private static unsafe void MicroKernel512(int kc, float* a, nint rs, nint ks, float* b, float* c, int ldc, int rows, int cols, bool add, bool transposeC, float* edge)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        nint r2 = 2 * rs, r3 = 3 * rs, r4 = 4 * rs, r5 = 5 * rs;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> x = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[rs]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[r2]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[r3]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a[r4]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[r5]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            a += ks;
            b += 32;
        }

        bool full = rows == MR && cols == 32 && !transposeC;
        float* t = full ? c : edge;
        int ld = full ? ldc : 32;
        if (full && add)
        {
            Store512(c00 + Vector512.Load(t), c01 + Vector512.Load(t + 16), t);
            Store512(c10 + Vector512.Load(t + ld), c11 + Vector512.Load(t + ld + 16), t + ld);
            Store512(c20 + Vector512.Load(t + (2 * ld)), c21 + Vector512.Load(t + (2 * ld) + 16), t + (2 * ld));
            Store512(c30 + Vector512.Load(t + (3 * ld)), c31 + Vector512.Load(t + (3 * ld) + 16), t + (3 * ld));
            Store512(c40 + Vector512.Load(t + (4 * ld)), c41 + Vector512.Load(t + (4 * ld) + 16), t + (4 * ld));
            Store512(c50 + Vector512.Load(t + (5 * ld)), c51 + Vector512.Load(t + (5 * ld) + 16), t + (5 * ld));
            return;
        }

        Store512(c00, c01, t);
        Store512(c10, c11, t + ld);
        Store512(c20, c21, t + (2 * ld));
        Store512(c30, c31, t + (3 * ld));
        Store512(c40, c41, t + (4 * ld));
        Store512(c50, c51, t + (5 * ld));
        if (!full)
        {
            CopyEdge(edge, 32, c, ldc, rows, cols, add, transposeC);
        }
    }

    private static unsafe void Store512(Vector512<float> lo, Vector512<float> hi, float* destination)
    {
        lo.Store(destination);
        hi.Store(destination + 16);
    }

    /// <summary>Writes (or adds) the valid rows × cols corner of an edge tile into C, or into Cᵀ when <paramref name="transposeC"/>.</summary>
    private static unsafe void CopyEdge(float* edge, int edgeWidth, float* c, int ldc, int rows, int cols, bool add, bool transposeC)
    {
        if (transposeC)
        {
            // Tile column j is row j of C: its rows × 1 strip of the edge tile lands contiguously.
            for (int j = 0; j < cols; j++)
            {
                float* dst = c + ((long)j * ldc);
                for (int r = 0; r < rows; r++)
                {
                    float v = edge[(r * edgeWidth) + j];
                    dst[r] = add ? dst[r] + v : v;
                }
            }

            return;
        }

        for (int r = 0; r < rows; r++)
        {
            float* src = edge + (r * edgeWidth);
            float* dst = c + ((long)r * ldc);
            for (int j = 0; j < cols; j++)
            {
                dst[j] = add ? dst[j] + src[j] : src[j];
            }
        }
    }
}

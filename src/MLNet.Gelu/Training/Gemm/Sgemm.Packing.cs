using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MLNet.Gelu.Gemm;

internal static partial class Sgemm
{
    /// <summary>Packing of operand blocks into the panel layouts the micro-kernels read.</summary>
    private unsafe partial struct Job
    {
        /// <summary>Packs rows [i0, i0+rows) × inner [p0, p0+kc) of op(A) into panels of <see cref="MR"/> rows, inner index major, zero-padded.</summary>
        private readonly void PackA(float* dst, int i0, int rows, int p0, int kc)
        {
            for (int ip = 0; ip < rows; ip += MR)
            {
                int valid = Math.Min(MR, rows - ip);
                float* panel = dst + ((long)ip * kc);
                if (TransposeA)
                {
                    // op(A)[i, p] = A[p, i]: each inner index reads MR consecutive elements.
                    for (int p = 0; p < kc; p++)
                    {
                        float* src = A + ((long)(p0 + p) * Lda) + i0 + ip;
                        float* d = panel + (p * MR);
                        int r = 0;
                        for (; r < valid; r++)
                        {
                            d[r] = src[r];
                        }

                        for (; r < MR; r++)
                        {
                            d[r] = 0;
                        }
                    }
                }
                else if (valid == MR)
                {
                    // Six row streams read in step, one contiguous group of six written per inner index.
                    float* r0 = A + ((long)(i0 + ip) * Lda) + p0;
                    float* r1 = r0 + Lda, r2 = r1 + Lda, r3 = r2 + Lda, r4 = r3 + Lda, r5 = r4 + Lda;
                    float* d = panel;
                    for (int p = 0; p < kc; p++, d += MR)
                    {
                        d[0] = r0[p];
                        d[1] = r1[p];
                        d[2] = r2[p];
                        d[3] = r3[p];
                        d[4] = r4[p];
                        d[5] = r5[p];
                    }
                }
                else
                {
                    for (int r = 0; r < MR; r++)
                    {
                        float* d = panel + r;
                        if (r < valid)
                        {
                            float* src = A + ((long)(i0 + ip + r) * Lda) + p0;
                            for (int p = 0; p < kc; p++)
                            {
                                d[p * MR] = src[p];
                            }
                        }
                        else
                        {
                            for (int p = 0; p < kc; p++)
                            {
                                d[p * MR] = 0;
                            }
                        }
                    }
                }
            }
        }

        /// <summary>Packs inner [p0, p0+kc) × columns [j0, j0+cols) of op(B) into panels of NR columns, inner index major, zero-padded.</summary>
        private readonly void PackB(float* dst, int p0, int kc, int j0, int cols)
        {
            int nr = NR;
            float** rows = stackalloc float*[nr];
            for (int jp = 0; jp < cols; jp += nr)
            {
                int valid = Math.Min(nr, cols - jp);
                float* panel = dst + ((long)jp * kc);
                if (TransposeB)
                {
                    // op(B)[p, j] = B[j, p]: transpose the panel's stored rows.
                    for (int j = 0; j < valid; j++)
                    {
                        rows[j] = B + ((long)(j0 + jp + j) * Ldb) + p0;
                    }

                    TransposePanel(panel, rows, valid, kc, nr);
                }
                else
                {
                    for (int p = 0; p < kc; p++)
                    {
                        float* src = B + ((long)(p0 + p) * Ldb) + j0 + jp;
                        float* d = panel + (p * nr);
                        new ReadOnlySpan<float>(src, valid).CopyTo(new Span<float>(d, valid));
                        if (valid < nr)
                        {
                            new Span<float>(d + valid, nr - valid).Clear();
                        }
                    }
                }
            }
        }
    }

    /// <summary>Writes <c>panel[p·nr + j] = rows[j][p]</c> for j &lt; valid (zero for valid ≤ j &lt; nr), in 8 × 8 AVX transposes where possible.</summary>
    private static unsafe void TransposePanel(float* panel, float** rows, int valid, int kc, int nr)
    {
        int p = 0;
        if (Avx.IsSupported)
        {
            int fullGroups = valid / 8 * 8;
            for (; p <= kc - 8; p += 8)
            {
                for (int j = 0; j < fullGroups; j += 8)
                {
                    Transpose8x8(rows + j, p, panel + ((long)p * nr) + j, nr);
                }

                for (int q = p; q < p + 8; q++)
                {
                    float* d = panel + ((long)q * nr);
                    for (int j = fullGroups; j < nr; j++)
                    {
                        d[j] = j < valid ? rows[j][q] : 0;
                    }
                }
            }
        }

        for (; p < kc; p++)
        {
            float* d = panel + ((long)p * nr);
            for (int j = 0; j < nr; j++)
            {
                d[j] = j < valid ? rows[j][p] : 0;
            }
        }
    }

    /// <summary>Transposes the 8 × 8 block <c>rows[0..8][p..p+8]</c> into <c>destination[i·stride + j]</c>.</summary>
    private static unsafe void Transpose8x8(float** rows, int p, float* destination, int stride)
    {
        Vector256<float> r0 = Avx.LoadVector256(rows[0] + p), r1 = Avx.LoadVector256(rows[1] + p);
        Vector256<float> r2 = Avx.LoadVector256(rows[2] + p), r3 = Avx.LoadVector256(rows[3] + p);
        Vector256<float> r4 = Avx.LoadVector256(rows[4] + p), r5 = Avx.LoadVector256(rows[5] + p);
        Vector256<float> r6 = Avx.LoadVector256(rows[6] + p), r7 = Avx.LoadVector256(rows[7] + p);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(destination, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(destination + stride, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(destination + (2 * stride), Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(destination + (3 * stride), Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(destination + (4 * stride), Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(destination + (5 * stride), Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(destination + (6 * stride), Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(destination + (7 * stride), Avx.Permute2x128(s3, s7, 0x31));
    }
}

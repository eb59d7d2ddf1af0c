namespace MLNet.Gelu.Gemm;

/// <summary>Which register-blocked micro-kernel <see cref="Sgemm"/> uses; every choice gives bit-identical results.</summary>
internal enum SgemmKernel
{
    /// <summary>The widest vector size the hardware accelerates.</summary>
    Auto = 0,

    /// <summary>6 × 8 tiles in 128-bit vectors (SSE, NEON).</summary>
    Vector128 = 128,

    /// <summary>6 × 16 tiles in 256-bit vectors (AVX2 + FMA).</summary>
    Vector256 = 256,

    /// <summary>6 × 32 tiles in 512-bit vectors (AVX-512).</summary>
    Vector512 = 512,
}

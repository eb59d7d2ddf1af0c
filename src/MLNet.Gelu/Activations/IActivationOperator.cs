using System.Runtime.Intrinsics;

namespace MLNet.Gelu;

/// <summary>
/// An element-wise function of one <see cref="float"/>, with a scalar path and one path per vector width
/// (the shape of System.Numerics.Tensors' unary operators). Every path computes the same function; on hardware
/// with fused multiply-add the paths agree bit for bit.
/// </summary>
internal interface IActivationOperator
{
    static abstract float Invoke(float x);

    static abstract Vector128<float> Invoke(Vector128<float> x);

    static abstract Vector256<float> Invoke(Vector256<float> x);

    static abstract Vector512<float> Invoke(Vector512<float> x);
}

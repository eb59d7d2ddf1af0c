namespace MLNet.Gelu;

// The roots of f′ for the GELU forms and SiLU, with fits of g(t) = f′(x0 + t)/t for |t| ≤ 0.125 used by
// RootExpansion. x0 was solved to 50 digits (mpmath) from the derivative formulas (documented on Activations) with the same double constants the
// formulas use (√(2/π) = 0.7978845608028654, 0.044715, 0.134145, 1.702), not the float constants of the kernels.
// g was fitted by least squares in relative error at 200 Chebyshev points of [−0.125, 0.125], then its coefficients
// were rounded to float one at a time from the highest, refitting the rest. Relative error of the float
// polynomial against g: Gelu 1.1e‑7, GeluTanh 1.2e‑7, GeluSigmoid 2.9e‑8, Silu 1.5e‑8.

/// <summary>Exact GELU: f′(x) = Φ(x) + x·φ(x) = 0 at x0 = −0.75179152469356445746.</summary>
internal readonly struct GeluRoot : IDerivativeRoot
{
    public static float High => -0.7517915368080139f;

    public static float Low => 1.211444988769017e-08f;

    public static float G0 => 0.43149399757385254f;

    public static float G1 => 0.38828352093696594f;

    public static float G2 => -0.018198171630501747f;

    public static float G3 => -0.11362983286380768f;

    public static float G4 => -0.014801415614783764f;
}

/// <summary>Tanh GELU: f′(x) = 0 at x0 = −0.75246142207101622048.</summary>
internal readonly struct GeluTanhRoot : IDerivativeRoot
{
    public static float High => -0.7524614334106445f;

    public static float Low => 1.1339627903339533e-08f;

    public static float G0 => 0.4304000735282898f;

    public static float G1 => 0.38751694560050964f;

    public static float G2 => -0.015781419351696968f;

    public static float G3 => -0.11356105655431747f;

    public static float G4 => -0.016634220257401466f;
}

/// <summary>Sigmoid GELU: f′(x) = 0 at x0 = −0.75115425544128897011.</summary>
internal readonly struct GeluSigmoidRoot : IDerivativeRoot
{
    public static float High => -0.7511542439460754f;

    public static float Low => -1.1495213669832083e-08f;

    public static float G0 => 0.37071552872657776f;

    public static float G1 => 0.42481255531311035f;

    public static float G2 => 0.09305556863546371f;

    public static float G3 => -0.12767630815505981f;

    public static float G4 => -0.09361396729946136f;
}

/// <summary>SiLU: f′(x) = σ(x)(1 + x(1 − σ(x))) = 0 at x0 = −1.2784645427610737951.</summary>
internal readonly struct SiluRoot : IDerivativeRoot
{
    public static float High => -1.2784645557403564f;

    public static float Low => 1.2979282537628478e-08f;

    public static float G0 => 0.2178117036819458f;

    public static float G1 => 0.14664879441261292f;

    public static float G2 => 0.018874716013669968f;

    public static float G3 => -0.015220124274492264f;

    public static float G4 => -0.00658856937661767f;
}

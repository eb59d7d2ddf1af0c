namespace MLNet.Gelu;

/// <summary>Which form of GELU <see cref="GeluCatalog.Gelu(Microsoft.ML.TransformsCatalog, string, string?, GeluApproximation)"/> computes.</summary>
public enum GeluApproximation
{
    /// <summary>The exact form <c>x·Φ(x) = ½·x·erfc(−x/√2)</c> (<see cref="Activation.Gelu"/>).</summary>
    None = 0,

    /// <summary>The tanh form <c>½x(1 + tanh(√(2/π)(x + 0.044715x³)))</c> (<see cref="Activation.GeluTanh"/>); at most 4.73e‑4 from the exact form.</summary>
    Tanh = 1,

    /// <summary>The sigmoid form <c>x·σ(1.702x)</c> (<see cref="Activation.GeluSigmoid"/>); at most 2.03e‑2 from the exact form.</summary>
    Sigmoid = 2,
}

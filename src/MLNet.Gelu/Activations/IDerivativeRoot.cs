namespace MLNet.Gelu;

/// <summary>
/// A simple root x0 of a derivative f′ and a fit of g(t) = f′(x0 + t)/t, so that near x0 the derivative is
/// <c>(x − x0)·g(x − x0)</c> with relative accuracy instead of a difference of two terms near 0.3 (see <see cref="RootExpansion"/>).
/// </summary>
internal interface IDerivativeRoot
{
    /// <summary>x0 rounded to float.</summary>
    static abstract float High { get; }

    /// <summary>x0 − <see cref="High"/> rounded to float.</summary>
    static abstract float Low { get; }

    /// <summary>g(t) ≈ G0 + G1·t + G2·t² + G3·t³ + G4·t⁴ for |t| ≤ <see cref="RootExpansion.HalfWidth"/>.</summary>
    static abstract float G0 { get; }

    /// <summary>Coefficient of t.</summary>
    static abstract float G1 { get; }

    /// <summary>Coefficient of t².</summary>
    static abstract float G2 { get; }

    /// <summary>Coefficient of t³.</summary>
    static abstract float G3 { get; }

    /// <summary>Coefficient of t⁴.</summary>
    static abstract float G4 { get; }
}

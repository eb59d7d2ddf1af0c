namespace MLNet.Gelu;

/// <summary>
/// Element-wise activation functions and their derivatives over spans of <see cref="float"/>.
/// </summary>
public static partial class Activations
{
    /// <summary>Computes <paramref name="activation"/> of each element of <paramref name="x"/> into <paramref name="destination"/>.</summary>
    /// <param name="activation">The activation to apply.</param>
    /// <param name="x">The input values.</param>
    /// <param name="destination">Receives the results; may be the same span as <paramref name="x"/> (in place).</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="x"/>, or the two spans overlap without starting at the same element.</exception>
    public static void Apply(Activation activation, ReadOnlySpan<float> x, Span<float> destination)
    {
        ValidateSpans(x, destination);
        for (int i = 0; i < x.Length; i++)
        {
            destination[i] = (float)ScalarReference.Value(activation, x[i]);
        }
    }

    /// <summary>Computes the derivative of <paramref name="activation"/> at each element of <paramref name="x"/> into <paramref name="destination"/>.</summary>
    /// <param name="activation">The activation whose derivative is computed.</param>
    /// <param name="x">The input values.</param>
    /// <param name="destination">Receives the results; may be the same span as <paramref name="x"/> (in place).</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="x"/>, or the two spans overlap without starting at the same element.</exception>
    public static void Derivative(Activation activation, ReadOnlySpan<float> x, Span<float> destination)
    {
        ValidateSpans(x, destination);
        for (int i = 0; i < x.Length; i++)
        {
            destination[i] = (float)ScalarReference.Derivative(activation, x[i]);
        }
    }

    internal static void ValidateSpans(ReadOnlySpan<float> x, Span<float> destination)
    {
        if (destination.Length < x.Length)
        {
            throw new ArgumentException(
                $"Destination is too short: it holds {destination.Length} elements, the input has {x.Length}.", nameof(destination));
        }

        if (x.Overlaps(destination, out int offset) && offset != 0)
        {
            throw new ArgumentException(
                $"Input and destination overlap at an offset of {offset} elements; use the same span (in place) or spans that do not overlap.",
                nameof(destination));
        }
    }
}

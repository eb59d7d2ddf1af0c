using System.Globalization;
using System.Text;

namespace MLNet.Gelu.Bert.Graphs.Detection;

/// <summary>
/// A polynomial in two variables, <c>x</c> (the activation's input) and <c>t</c> (the output of its <c>Erf</c>,
/// <c>Tanh</c> or <c>Sigmoid</c>). Any arrangement of <c>Mul</c>, <c>Add</c>, <c>Div</c>, <c>Pow</c> that an exporter
/// writes reduces to the same coefficients, so one comparison recognizes every arrangement.
/// </summary>
internal sealed class Polynomial
{
    private const int MaxDegree = 8;
    private readonly Dictionary<(int X, int T), double> _terms;

    private Polynomial(Dictionary<(int X, int T), double> terms) => _terms = terms;

    public static Polynomial Constant(double value) => new(new() { [(0, 0)] = value });

    public static Polynomial X { get; } = new(new() { [(1, 0)] = 1 });

    public static Polynomial T { get; } = new(new() { [(0, 1)] = 1 });

    /// <summary>Builds <c>Σ coefficient·x^X·t^T</c>.</summary>
    public static Polynomial Of(params (int X, int T, double Coefficient)[] terms) =>
        new(terms.ToDictionary(t => (t.X, t.T), t => t.Coefficient));

    /// <summary>The value when the polynomial is a constant.</summary>
    public bool TryGetConstant(out double value)
    {
        value = _terms.Where(t => t.Key != (0, 0)).All(t => t.Value == 0) ? _terms.GetValueOrDefault((0, 0)) : double.NaN;
        return !double.IsNaN(value);
    }

    /// <summary>The coefficient of <c>x^px·t^pt</c>.</summary>
    public double this[int px, int pt] => _terms.GetValueOrDefault((px, pt));

    public Polynomial Add(Polynomial other, double sign = 1)
    {
        var terms = new Dictionary<(int X, int T), double>(_terms);
        foreach (var (key, value) in other._terms)
        {
            terms[key] = terms.GetValueOrDefault(key) + sign * value;
        }

        return new(terms);
    }

    public Polynomial Scale(double factor) => new(_terms.ToDictionary(t => t.Key, t => t.Value * factor));

    public Polynomial? Multiply(Polynomial other)
    {
        var terms = new Dictionary<(int X, int T), double>();
        foreach (var (a, va) in _terms)
        {
            foreach (var (b, vb) in other._terms)
            {
                var key = (a.X + b.X, a.T + b.T);
                if (key.Item1 + key.Item2 > MaxDegree)
                {
                    return null;
                }

                terms[key] = terms.GetValueOrDefault(key) + va * vb;
            }
        }

        return new(terms);
    }

    public Polynomial? Power(int exponent)
    {
        Polynomial? result = Constant(1);
        for (int i = 0; i < exponent && result is not null; i++)
        {
            result = result.Multiply(this);
        }

        return result;
    }

    /// <summary>
    /// True when every coefficient is within <paramref name="relativeTolerance"/> of <paramref name="expected"/>'s,
    /// and terms absent there are (numerically) zero here.
    /// </summary>
    public bool Matches(Polynomial expected, double relativeTolerance)
    {
        double scale = expected._terms.Values.Select(Math.Abs).DefaultIfEmpty(1).Max();
        foreach (var key in _terms.Keys.Union(expected._terms.Keys))
        {
            double actual = this[key.X, key.T];
            double wanted = expected[key.X, key.T];
            double bound = wanted == 0 ? 1e-9 * scale : relativeTolerance * Math.Abs(wanted);
            if (!(Math.Abs(actual - wanted) <= bound))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString()
    {
        var parts = _terms.Where(t => t.Value != 0).OrderBy(t => t.Key.T).ThenBy(t => t.Key.X).Select(t =>
        {
            string c = t.Value.ToString("G7", CultureInfo.InvariantCulture);
            var monomial = new StringBuilder(c);
            if (t.Key.X > 0)
            {
                monomial.Append(t.Key.X == 1 ? "·x" : $"·x^{t.Key.X}");
            }

            if (t.Key.T > 0)
            {
                monomial.Append(t.Key.T == 1 ? "·t" : $"·t^{t.Key.T}");
            }

            return monomial.ToString();
        }).ToList();
        return parts.Count == 0 ? "0" : string.Join(" + ", parts);
    }
}

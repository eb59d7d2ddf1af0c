using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Gelu.Tests.TestSupport;

/// <summary>Reads every visible column of a data view into plain values, and compares two such readings.</summary>
/// <remarks>Kept free of MLNet.Gelu types so other test projects can link this file.</remarks>
public static class DataViewValues
{
    /// <summary>Rows of (column name → value); vectors become dense float arrays, text becomes string.</summary>
    public static List<Dictionary<string, object?>> Read(IDataView view)
    {
        var columns = view.Schema.Where(c => !c.IsHidden).ToArray();
        using var cursor = view.GetRowCursor(columns);
        var readers = columns.Select(c => Reader(cursor, c)).ToArray();
        var rows = new List<Dictionary<string, object?>>();
        while (cursor.MoveNext())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (int i = 0; i < columns.Length; i++)
            {
                row[columns[i].Name] = readers[i]();
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Creates a function that reads the current value of <paramref name="column"/> on <paramref name="row"/>.</summary>
    public static Func<object?> Reader(DataViewRow row, DataViewSchema.Column column)
    {
        var type = column.Type is VectorDataViewType vector ? typeof(VBuffer<>).MakeGenericType(vector.ItemType.RawType) : column.Type.RawType;
        var method = typeof(DataViewValues).GetMethod(nameof(TypedReader), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type);
        return (Func<object?>)method.Invoke(null, [row, column])!;
    }

    private static Func<object?> TypedReader<T>(DataViewRow row, DataViewSchema.Column column)
    {
        var getter = row.GetGetter<T>(column);
        return () =>
        {
            T value = default!;
            getter(ref value);
            return Plain(value);
        };
    }

    private static object? Plain(object? value) => value switch
    {
        VBuffer<float> v => v.DenseValues().ToArray(),
        VBuffer<double> v => v.DenseValues().ToArray(),
        VBuffer<ReadOnlyMemory<char>> v => v.DenseValues().Select(x => x.ToString()).ToArray(),
        ReadOnlyMemory<char> text => text.ToString(),
        _ => value,
    };

    /// <summary>
    /// Asserts that two readings hold the same columns and rows. Floats must agree within
    /// <paramref name="relativeTolerance"/> (relative to max(1e‑30, |expected|)) or within
    /// <paramref name="absoluteTolerance"/>; 0 and 0 mean bit-identical.
    /// </summary>
    public static void AssertEqual(
        List<Dictionary<string, object?>> expected,
        List<Dictionary<string, object?>> actual,
        double relativeTolerance,
        IEnumerable<string>? onlyColumns = null,
        double absoluteTolerance = 0)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int r = 0; r < expected.Count; r++)
        {
            foreach (var name in onlyColumns ?? expected[r].Keys)
            {
                Assert.True(actual[r].ContainsKey(name), $"Column '{name}' is missing from the actual rows.");
                AssertValue(expected[r][name], actual[r][name], relativeTolerance, absoluteTolerance, $"row {r}, column '{name}'");
            }
        }
    }

    private static void AssertValue(object? expected, object? actual, double tolerance, double absoluteTolerance, string where)
    {
        switch (expected)
        {
            case float[] e:
            {
                var a = Assert.IsType<float[]>(actual);
                Assert.True(e.Length == a.Length, $"{where}: length {a.Length}, expected {e.Length}.");
                for (int i = 0; i < e.Length; i++)
                {
                    AssertFloat(e[i], a[i], tolerance, $"{where}, slot {i}", absoluteTolerance);
                }

                break;
            }

            case float e:
                AssertFloat(e, Assert.IsType<float>(actual), tolerance, where, absoluteTolerance);
                break;
            case string[] e:
                Assert.Equal(e, Assert.IsType<string[]>(actual));
                break;
            default:
                Assert.Equal(expected, actual);
                break;
        }
    }

    /// <summary>
    /// Asserts one float: bit-identical when <paramref name="tolerance"/> is 0, else within it relatively, or within
    /// <paramref name="absoluteFloor"/> (NaN matches NaN, infinities must be equal).
    /// </summary>
    public static void AssertFloat(float expected, float actual, double tolerance, string where, double absoluteFloor = 0)
    {
        if (tolerance == 0)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual) || (float.IsNaN(expected) && float.IsNaN(actual)),
                $"{where}: {actual:R}, expected bit-identical {expected:R}.");
            return;
        }

        if (float.IsNaN(expected) || float.IsInfinity(expected))
        {
            Assert.True(expected.Equals(actual), $"{where}: {actual:R}, expected {expected:R}.");
            return;
        }

        double error = Math.Abs((double)actual - expected);
        double bound = Math.Max(tolerance * Math.Max(Math.Abs((double)expected), 1e-30), absoluteFloor);
        Assert.True(error <= bound, $"{where}: {actual:R}, expected {expected:R} (error {error:E2} > {bound:E2}).");
    }
}

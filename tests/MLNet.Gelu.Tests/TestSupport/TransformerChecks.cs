using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Gelu.Tests.TestSupport;

/// <summary>
/// The checks every transformer test runs (after ML.NET's <c>TestEstimatorCore</c>): schema propagation, cursor /
/// cursor-set / row-mapper agreement, rejection of invalid input with a message naming the column, and a save/load
/// round trip. Uses only ML.NET types so other test projects can link this file.
/// </summary>
public static class TransformerChecks
{
    /// <summary>
    /// Fits <paramref name="estimator"/> on <paramref name="data"/> and checks that the estimator's output shape, the
    /// transformer's output schema, the transformed data's schema and the row mapper's output schema agree, and that a
    /// single cursor, a cursor set and the row mapper (as a prediction engine uses it) give the same values.
    /// </summary>
    /// <param name="estimator">The estimator to fit.</param>
    /// <param name="data">The data to fit it on and read.</param>
    /// <param name="absoluteTolerance">How far floats read through the row mapper may be from the cursor's (0: bit-identical);
    /// for transforms that compute rows in batches through the cursor and one by one through the mapper.</param>
    /// <returns>The fitted transformer.</returns>
    public static TTransformer CheckEstimator<TTransformer>(IEstimator<TTransformer> estimator, IDataView data, double absoluteTolerance = 0)
        where TTransformer : class, ITransformer
    {
        var expectedShape = estimator.GetOutputSchema(ShapeOf(data.Schema));
        var transformer = estimator.Fit(data);
        var schema = transformer.GetOutputSchema(data.Schema);
        var transformed = transformer.Transform(data);

        AssertSameShape(expectedShape, ShapeOf(schema));
        AssertSameSchema(schema, transformed.Schema);
        Assert.True(transformer.IsRowToRowMapper);
        AssertSameSchema(schema, transformer.GetRowToRowMapper(data.Schema).OutputSchema);

        var byCursor = DataViewValues.Read(transformed);
        DataViewValues.AssertEqual(byCursor, ReadByCursorSet(transformed, data), 0);
        DataViewValues.AssertEqual(byCursor, ReadByRowMapper(transformer, data), absoluteTolerance == 0 ? 0 : 1e-30, absoluteTolerance: absoluteTolerance);
        return transformer;
    }

    /// <summary>
    /// Checks that <paramref name="estimator"/> rejects <paramref name="invalid"/> at Fit and GetOutputSchema time, and
    /// <paramref name="fitted"/> (if given) at GetOutputSchema and Transform time, with an exception whose message names
    /// <paramref name="column"/> and contains each of <paramref name="mentions"/>.
    /// </summary>
    public static void CheckRejects<TTransformer>(IEstimator<TTransformer> estimator, ITransformer? fitted, IDataView invalid, string column, params string[] mentions)
        where TTransformer : class, ITransformer
    {
        AssertRejected(() => estimator.Fit(invalid), column, mentions);
        AssertRejected(() => estimator.GetOutputSchema(ShapeOf(invalid.Schema)), column, mentions);
        if (fitted is not null)
        {
            AssertRejected(() => fitted.GetOutputSchema(invalid.Schema), column, mentions);
            AssertRejected(() => fitted.Transform(invalid), column, mentions);
        }
    }

    /// <summary>
    /// Saves <paramref name="model"/> with plain ML.NET, loads it in a fresh <see cref="MLContext"/> and checks that
    /// it transforms <paramref name="data"/> to the same schema and values within <paramref name="relativeTolerance"/>
    /// (or within <paramref name="absoluteTolerance"/>).
    /// <paramref name="save"/> and <paramref name="load"/> replace ML.NET's save and load (for a library's own loader).
    /// </summary>
    /// <returns>The loaded model.</returns>
    public static ITransformer CheckSaveLoad(
        ITransformer model,
        IDataView data,
        double relativeTolerance,
        Action<MLContext, ITransformer, DataViewSchema, Stream>? save = null,
        Func<MLContext, Stream, ITransformer>? load = null,
        double absoluteTolerance = 0)
    {
        var saving = new MLContext(seed: 1);
        using var stream = new MemoryStream();
        (save ?? ((ml, m, s, st) => ml.Model.Save(m, s, st)))(saving, model, data.Schema, stream);
        stream.Position = 0;
        var loading = new MLContext(seed: 2);
        var loaded = (load ?? ((ml, st) => ml.Model.Load(st, out _)))(loading, stream);

        var expected = model.Transform(data);
        var actual = loaded.Transform(data);
        AssertSameSchema(expected.Schema, actual.Schema, annotations: false);
        DataViewValues.AssertEqual(DataViewValues.Read(expected), DataViewValues.Read(actual), relativeTolerance, absoluteTolerance: absoluteTolerance);
        return loaded;
    }

    /// <summary>Visible columns with the same names and types, in the same order (and the same annotation kinds).</summary>
    public static void AssertSameSchema(DataViewSchema expected, DataViewSchema actual, bool annotations = true)
    {
        var e = expected.Where(c => !c.IsHidden).ToArray();
        var a = actual.Where(c => !c.IsHidden).ToArray();
        Assert.Equal(e.Select(c => c.Name), a.Select(c => c.Name));
        for (int i = 0; i < e.Length; i++)
        {
            Assert.True(e[i].Type.Equals(a[i].Type), $"Column '{e[i].Name}': type {a[i].Type}, expected {e[i].Type}.");
            if (annotations)
            {
                Assert.Equal(e[i].Annotations.Schema.Select(c => c.Name), a[i].Annotations.Schema.Select(c => c.Name));
            }
        }
    }

    /// <summary>The estimator-side view of a schema (ML.NET's <c>SchemaShape.Create</c> is internal).</summary>
    public static SchemaShape ShapeOf(DataViewSchema schema) =>
        (SchemaShape)typeof(SchemaShape).GetMethod("Create", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic, [typeof(DataViewSchema)])!
            .Invoke(null, [schema])!;

    private static void AssertSameShape(SchemaShape expected, SchemaShape actual)
    {
        Assert.Equal(expected.Select(c => c.Name).Order(), actual.Select(c => c.Name).Order());
        foreach (var e in expected)
        {
            var a = actual.Single(c => c.Name == e.Name);
            Assert.True(e.Kind == a.Kind && e.ItemType.Equals(a.ItemType) && e.IsKey == a.IsKey,
                $"Column '{e.Name}': estimator says {e.Kind} {e.ItemType}, transformer gives {a.Kind} {a.ItemType}.");
            Assert.Equal(e.Annotations.Select(c => c.Name).Order(), a.Annotations.Select(c => c.Name).Order());
        }
    }

    private static void AssertRejected(Action action, string column, string[] mentions)
    {
        var error = Record.Exception(action);
        Assert.NotNull(error);
        Assert.True(error is ArgumentOutOfRangeException or InvalidOperationException or ArgumentException,
            $"Expected ArgumentOutOfRangeException or InvalidOperationException, got {error.GetType().Name}: {error.Message}");
        Assert.Contains($"'{column}'", error.Message, StringComparison.Ordinal);
        foreach (var mention in mentions)
        {
            Assert.Contains(mention, error.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>Reads through a cursor set and restores the input order by row id.</summary>
    private static List<Dictionary<string, object?>> ReadByCursorSet(IDataView transformed, IDataView input)
    {
        var order = new Dictionary<DataViewRowId, int>();
        using (var cursor = input.GetRowCursor([]))
        {
            var id = cursor.GetIdGetter();
            DataViewRowId value = default;
            while (cursor.MoveNext())
            {
                id(ref value);
                order[value] = order.Count;
            }
        }

        var columns = transformed.Schema.Where(c => !c.IsHidden).ToArray();
        var rows = new Dictionary<string, object?>[order.Count];
        foreach (var cursor in transformed.GetRowCursorSet(columns, 3))
        {
            using (cursor)
            {
                var readers = columns.Select(c => DataViewValues.Reader(cursor, c)).ToArray();
                var id = cursor.GetIdGetter();
                DataViewRowId value = default;
                while (cursor.MoveNext())
                {
                    id(ref value);
                    rows[order[value]] = columns.Select((c, i) => (c.Name, readers[i]())).ToDictionary(p => p.Name, p => p.Item2, StringComparer.Ordinal);
                }
            }
        }

        return [.. rows];
    }

    /// <summary>Reads through <see cref="IRowToRowMapper.GetRow"/>, one mapped row over an input cursor.</summary>
    private static List<Dictionary<string, object?>> ReadByRowMapper(ITransformer transformer, IDataView input)
    {
        var mapper = transformer.GetRowToRowMapper(input.Schema);
        var columns = mapper.OutputSchema.Where(c => !c.IsHidden).ToArray();
        using var cursor = input.GetRowCursor(mapper.GetDependencies(columns));
        using var row = mapper.GetRow(cursor, columns);
        var readers = columns.Select(c => DataViewValues.Reader(row, c)).ToArray();
        var rows = new List<Dictionary<string, object?>>();
        while (cursor.MoveNext())
        {
            rows.Add(columns.Select((c, i) => (c.Name, readers[i]())).ToDictionary(p => p.Name, p => p.Item2, StringComparer.Ordinal));
        }

        return rows;
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Tests.TestSupport;

namespace MLNet.Gelu.Tests.Transforms;

/// <summary>The shared row-mapping plumbing: getters reuse buffers, cursor sets split the rows, inactive columns are refused.</summary>
public sealed class RowMappingTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Theory]
    [InlineData("Scalar")]
    [InlineData("Known")]
    [InlineData("Sparse")]
    public void GettersDoNotAllocatePerRow(string column)
    {
        var data = ActivationTestData.Create(_ml);
        var output = _ml.Transforms.Gelu("Out", column).Fit(data).Transform(data);
        var rows = DataViewValues.Read(output).Count;
        using var cursor = output.GetRowCursor([output.Schema["Out"]]);
        var read = Reader(cursor, output.Schema["Out"]);
        Assert.True(cursor.MoveNext());
        for (int i = 0; i < 1000; i++)
        {
            read(); // the first call sizes the buffers; the rest let the JIT settle (tiering may allocate)
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            read();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(40, rows);
    }

    private static Action Reader(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type is VectorDataViewType)
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            var value = default(VBuffer<float>);
            return () => getter(ref value);
        }

        var scalar = cursor.GetGetter<float>(column);
        float x = 0;
        return () => scalar(ref x);
    }

    [Fact]
    public void CursorSetsCoverEveryRowOnce()
    {
        var data = ActivationTestData.Create(_ml, rows: 200);
        var output = _ml.Transforms.Gelu("Out", "Known").Fit(data).Transform(data);
        var cursors = output.GetRowCursorSet([output.Schema["Out"]], 4);
        long rows = 0;
        Parallel.ForEach(cursors, cursor =>
        {
            using (cursor)
            {
                var getter = cursor.GetGetter<VBuffer<float>>(output.Schema["Out"]);
                var value = default(VBuffer<float>);
                while (cursor.MoveNext())
                {
                    getter(ref value);
                    Assert.Equal(ActivationTestData.Size, value.Length);
                    Interlocked.Increment(ref rows);
                }
            }
        });

        Assert.Equal(200, rows);
        Assert.Equal(200, output.GetRowCount());
    }

    [Fact]
    public void RefusesColumnsThatWereNotRequested()
    {
        var data = ActivationTestData.Create(_ml, rows: 3);
        var output = _ml.Transforms.Gelu("Out", "Known").Fit(data).Transform(data);
        using var cursor = output.GetRowCursor([output.Schema["Scalar"]]);
        Assert.False(cursor.IsColumnActive(output.Schema["Out"]));
        var error = Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<VBuffer<float>>(output.Schema["Out"]));
        Assert.Contains("'Out'", error.Message, StringComparison.Ordinal);

        using var all = output.GetRowCursor(output.Schema);
        var wrongType = Assert.Throws<InvalidOperationException>(() => all.GetGetter<float>(output.Schema["Out"]));
        Assert.Contains("Single", wrongType.Message, StringComparison.Ordinal);
    }
}

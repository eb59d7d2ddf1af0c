using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Gelu.Tests.TestSupport;

/// <summary>
/// One entry of a bad-input corpus: a call through a public entry point with one thing wrong, the exception it must
/// throw (this exact type), the words its message must contain (what is wrong, named), and where it must be refused.
/// </summary>
/// <param name="EntryPoint">The public API called.</param>
/// <param name="Input">What is wrong with the input.</param>
/// <param name="Exception">The exact exception type.</param>
/// <param name="Names">Words the message must contain (the property, column, file or value at fault).</param>
/// <param name="Stage">Where it is refused: options, construction, schema (no row read), call.</param>
/// <param name="Act">The call.</param>
public sealed record BadInput(string EntryPoint, string Input, Type Exception, string[] Names, string Stage, Action Act)
{
    public override string ToString() => $"{EntryPoint}: {Input}";

    /// <summary>Runs the call and asserts the exception's type and message; a <see cref="RowsWereReadException"/> means the check came too late.</summary>
    public void Check()
    {
        var thrown = Record.Exception(Act);
        Assert.True(thrown is not null, $"{this}: nothing was thrown");
        Assert.True(thrown is not RowsWereReadException, $"{this}: rows were read before the input was refused (stage {Stage}): {thrown.Message}");
        Assert.True(thrown.GetType() == Exception, $"{this}: threw {thrown.GetType().Name} ('{thrown.Message}'), expected {Exception.Name}");
        foreach (var name in Names)
        {
            Assert.True(thrown.Message.Contains(name, StringComparison.Ordinal), $"{this}: the message '{thrown.Message}' does not name '{name}'");
        }
    }
}

/// <summary>Thrown by <see cref="TripwireDataView"/> when a cursor is opened: the code under test read rows.</summary>
public sealed class RowsWereReadException(string message) : Exception(message);

/// <summary>
/// Data whose schema can be read but whose rows cannot: a check that must happen at schema time (before the first row)
/// fails with <see cref="RowsWereReadException"/> when it happens later.
/// </summary>
public sealed class TripwireDataView(IDataView inner) : IDataView
{
    public bool CanShuffle => false;

    public DataViewSchema Schema => inner.Schema;

    public long? GetRowCount() => inner.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        throw new RowsWereReadException("A row cursor was opened.");

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        throw new RowsWereReadException("A row cursor set was opened.");
}

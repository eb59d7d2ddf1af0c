using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.RowMapping;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Binds a BERT scoring transformer to an input schema. Added column 0 is the embedding (<c>Vector&lt;Single, H&gt;</c>),
/// then, when asked for, the truncated-token count and the token count (see <see cref="Roles"/>). Cursors batch (<see cref="BertBatchingCursor"/>);
/// single rows (prediction engines) go through the transformer's <see cref="RowCombiner"/>, which merges the rows of
/// concurrent engines into shared runs (a lone row is scored at once as a batch of one).
/// </summary>
internal sealed class BertColumnMapper : ColumnMapper
{
    private readonly int[] _inputs;

    private BertColumnMapper(
        DataViewSchema inputSchema, BertScoringTransformer owner, int[] inputs, DataViewSchema.DetachedColumn[] added, BertOutput[] roles, CancellationToken cancellation)
        : base(inputSchema, added)
    {
        Owner = owner;
        _inputs = inputs;
        Roles = roles;
        Cancellation = cancellation;
    }

    /// <summary>What each added column holds, indexed like the added columns.</summary>
    internal BertOutput[] Roles { get; }

    internal BertScoringTransformer Owner { get; }

    /// <summary>
    /// The token of the pass this binding serves (<see cref="BertScoringTransformer.Transform(IDataView, CancellationToken)"/>):
    /// every cursor and getter of this binding checks it between rows read and between model runs. The transformer holds
    /// none, so a cancelled pass leaves every other pass, engine and binding as it was.
    /// </summary>
    internal CancellationToken Cancellation { get; }

    /// <summary>The text column's index in the input schema.</summary>
    internal int TextColumn => _inputs[0];

    /// <summary>The second text column's index, or -1 for single texts.</summary>
    internal int SecondColumn => _inputs.Length > 1 ? _inputs[1] : -1;

    internal static BertColumnMapper Bind(DataViewSchema inputSchema, BertScoringTransformer owner, CancellationToken cancellation = default)
    {
        var options = owner.Options;
        int text = BertInputs.Resolve(inputSchema, owner.InputColumnName);
        int[] inputs = options.SecondInputColumnName is { } second ? [text, BertInputs.Resolve(inputSchema, second)] : [text];
        var added = new List<DataViewSchema.DetachedColumn>
        {
            new(owner.OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, owner.Dimension)),
        };
        var roles = new List<BertOutput> { BertOutput.Embedding };
        if (options.TruncatedTokensColumnName is { } truncated)
        {
            added.Add(new DataViewSchema.DetachedColumn(truncated, NumberDataViewType.Int32));
            roles.Add(BertOutput.TruncatedTokens);
        }

        if (options.TokenCountColumnName is { } count)
        {
            added.Add(new DataViewSchema.DetachedColumn(count, NumberDataViewType.Int32));
            roles.Add(BertOutput.TokenCount);
        }

        return new BertColumnMapper(inputSchema, owner, inputs, [.. added], [.. roles], cancellation);
    }

    protected override IEnumerable<int> GetInputColumns(int added) => _inputs;

    protected internal override DataViewRowCursor CreateCursor(DataViewRowCursor input, bool[] active)
    {
        for (int i = 0; i < active.Length; i++)
        {
            if (active[i] && SourceOf(OutputSchema[i]) < 0)
            {
                return new BertBatchingCursor(this, input, active);
            }
        }

        return base.CreateCursor(input, active);
    }

    /// <summary>Reads the current row's text (and second text) as the tokenizer takes them.</summary>
    internal Func<(string Text, string? Second)> TextReader(DataViewRow input) => TextValues.Reader(input, TextColumn, SecondColumn);

    /// <summary>The single-row path: each call tokenizes the current row; for the embedding, the transformer's
    /// <see cref="RowCombiner"/> scores it, merged with the rows of other engines that wait at the same time.</summary>
    protected override Delegate CreateGetter(DataViewRow input, int added)
    {
        var read = TextReader(input);
        var owner = Owner;
        var token = Cancellation;
        if (Roles[added] != BertOutput.Embedding)
        {
            var rows = new BertTokenizedRows();
            bool dropped = Roles[added] == BertOutput.TruncatedTokens;
            return (ValueGetter<int>)((ref int value) =>
            {
                token.ThrowIfCancellationRequested();
                owner.Session.ThrowIfDisposed();
                var (text, second) = read();
                rows.Clear();
                owner.Tokenizer.Tokenize(text, second, rows);
                value = dropped ? rows.DroppedTokens(0) : rows.TokenCount(0);
            });
        }

        // The row is tokenized here, on the caller's thread; the combiner scores it with the rows that other engines of
        // the same transformer queue meanwhile (alone, at once, when there are none).
        int dimension = owner.Dimension;
        var combiner = owner.Combiner;
        var request = new RowRequest(dimension);
        return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
        {
            var (text, second) = read();
            request.Rows.Clear();
            owner.Tokenizer.Tokenize(text, second, request.Rows);
            token.ThrowIfCancellationRequested();
            owner.Session.ThrowIfDisposed();
            combiner.Score(request);
            var editor = VBufferEditor.Create(ref value, dimension);
            request.Vector.CopyTo(editor.Values);
            value = editor.Commit();
        });
    }
}

using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.RowMapping;

namespace MLNet.Gelu;

/// <summary>
/// Adds the prediction columns of a classifier (the MLP, the BERT encoder classifier) to each row from its logits: multiclass <c>Score</c> (class probabilities) and
/// <c>PredictedLabel</c> (key of the most probable class); binary <c>Score</c> (z1 − z0), <c>Probability</c> and
/// <c>PredictedLabel</c> (Score &gt; 0). Types and annotations are those of the equivalent ML.NET prediction head.
/// </summary>
internal sealed class ClassifierScoreMapper : ColumnMapper
{
    private readonly int _classCount;
    private readonly int[] _inputs;
    private readonly Func<DataViewRow, Action<float[]>> _logitsOf;
    private readonly string[] _names;
    private readonly ConditionalWeakTable<DataViewRowCursor, RowLogits> _shared = [];
    private readonly Func<ClassifierScoreMapper, DataViewRowCursor, bool[], DataViewRowCursor>? _batching;

    /// <param name="inputSchema">The schema bound to.</param>
    /// <param name="classCount">Logits per row.</param>
    /// <param name="inputs">The input columns the logits are computed from.</param>
    /// <param name="logitsOf">Given a row (or cursor), makes the function that writes the logits of its current row; called once per row object or cursor.</param>
    /// <param name="added">The prediction columns, from <see cref="PredictionHeads.OutputColumns"/>.</param>
    /// <param name="batching">When given, makes the cursor that computes the logits of many rows at once (reading ahead), for
    /// cursors with a prediction column active; it serves them through <see cref="CreateGetter(int, float[], Action)"/>. Single
    /// rows (prediction engines) always go through <paramref name="logitsOf"/>.</param>
    internal ClassifierScoreMapper(
        DataViewSchema inputSchema, int classCount, int[] inputs, Func<DataViewRow, Action<float[]>> logitsOf, DataViewSchema.DetachedColumn[] added,
        Func<ClassifierScoreMapper, DataViewRowCursor, bool[], DataViewRowCursor>? batching = null)
        : base(inputSchema, added)
    {
        _batching = batching;
        _classCount = classCount;
        _inputs = inputs;
        _logitsOf = logitsOf;
        _names = added.Select(c => c.Name).ToArray();
    }

    /// <summary>The logits per row.</summary>
    internal int ClassCount => _classCount;

    protected override IEnumerable<int> GetInputColumns(int added) => _inputs;

    protected internal override DataViewRowCursor CreateCursor(DataViewRowCursor input, bool[] active)
    {
        for (int i = 0; _batching is not null && i < active.Length; i++)
        {
            if (active[i] && SourceOf(OutputSchema[i]) < 0)
            {
                return _batching(this, input, active);
            }
        }

        return base.CreateCursor(input, active);
    }

    /// <summary>
    /// The getter of prediction column <paramref name="added"/> from the logits in <paramref name="z"/>, which
    /// <paramref name="logits"/> brings up to date with the current row before each value is computed.
    /// </summary>
    internal Delegate CreateGetter(int added, float[] z, Action logits)
    {
        var p = new float[z.Length];
        bool binary = _classCount == 2 && _names.Contains("Probability");
        return (_names[added], binary) switch
        {
            ("Score", false) => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
            {
                logits();
                var editor = VBufferEditor.Create(ref value, z.Length);
                SoftmaxCrossEntropy.Softmax(z, editor.Values, 1, z.Length);
                value = editor.Commit();
            }),
            ("PredictedLabel", false) => (ValueGetter<uint>)((ref uint value) =>
            {
                logits();
                SoftmaxCrossEntropy.Softmax(z, p, 1, z.Length);
                value = (uint)ArgMax(p) + 1;
            }),
            ("Score", true) => (ValueGetter<float>)((ref float value) =>
            {
                logits();
                value = z[1] - z[0];
            }),
            ("Probability", true) => (ValueGetter<float>)((ref float value) =>
            {
                logits();
                value = Sigmoid(z[1] - z[0]);
            }),
            ("PredictedLabel", true) => (ValueGetter<bool>)((ref bool value) =>
            {
                logits();
                value = z[1] - z[0] > 0;
            }),
            _ => throw new InvalidOperationException($"The classifier scorer does not produce column '{_names[added]}'."),
        };
    }

    protected override Delegate CreateGetter(DataViewRow input, int added)
    {
        // A cursor's getters share one forward pass per row (its position only grows); a single row, as a prediction
        // engine passes, may change its values without moving, so each of its getters computes afresh.
        var logits = input is DataViewRowCursor cursor
            ? _shared.GetValue(cursor, c => new RowLogits(c, _classCount, _logitsOf(c)))
            : new RowLogits(input, _classCount, _logitsOf(input));
        return CreateGetter(added, logits.Values, logits.Compute);
    }

    private sealed class RowLogits(DataViewRow row, int classCount, Action<float[]> compute)
    {
        private long _position = -1;

        internal float[] Values { get; } = new float[classCount];

        internal void Compute()
        {
            if (row is DataViewRowCursor && row.Position == _position && _position >= 0)
            {
                return;
            }

            compute(Values);
            _position = row.Position;
        }
    }

    // The form of ML.NET's Platt calibrator with slope −1 and offset 0, so the native and saved models agree.
    private static float Sigmoid(float score) => (float)(1 / (1 + Math.Exp(-(double)score)));

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Transforms.RowMapping;

namespace MLNet.Gelu.Training;

/// <summary>
/// Adds the prediction columns of an MLP to each row: multiclass <c>Score</c> (class probabilities) and
/// <c>PredictedLabel</c> (key of the most probable class); binary <c>Score</c> (z1 − z0), <c>Probability</c> and
/// <c>PredictedLabel</c> (Score &gt; 0). Types and annotations are those of the equivalent ML.NET prediction head.
/// </summary>
internal sealed class MlpScoreMapper : ColumnMapper
{
    private readonly MlpModelParameters _model;
    private readonly int _features;
    private readonly string[] _names;

    internal MlpScoreMapper(DataViewSchema inputSchema, MlpModelParameters model, int features, DataViewSchema.DetachedColumn[] added)
        : base(inputSchema, added)
    {
        _model = model;
        _features = features;
        _names = added.Select(c => c.Name).ToArray();
    }

    protected override IEnumerable<int> GetInputColumns(int added) => [_features];

    protected override Delegate CreateGetter(DataViewRow input, int added)
    {
        var source = input.GetGetter<VBuffer<float>>(input.Schema[_features]);
        var row = default(VBuffer<float>);
        var x = new float[_model.InputCount];
        var z = new float[_model.ClassCount];
        void Logits()
        {
            source(ref row);
            row.CopyTo(x);
            _model.ComputeLogits(x, z);
        }

        bool binary = _model.ClassCount == 2 && _names.Contains("Probability");
        return (_names[added], binary) switch
        {
            ("Score", false) => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
            {
                Logits();
                var editor = VBufferEditor.Create(ref value, z.Length);
                SoftmaxCrossEntropy.Softmax(z, editor.Values, 1, z.Length);
                value = editor.Commit();
            }),
            ("PredictedLabel", false) => (ValueGetter<uint>)((ref uint value) =>
            {
                Logits();
                SoftmaxCrossEntropy.Softmax(z, z, 1, z.Length);
                value = (uint)ArgMax(z) + 1;
            }),
            ("Score", true) => (ValueGetter<float>)((ref float value) =>
            {
                Logits();
                value = z[1] - z[0];
            }),
            ("Probability", true) => (ValueGetter<float>)((ref float value) =>
            {
                Logits();
                value = Sigmoid(z[1] - z[0]);
            }),
            ("PredictedLabel", true) => (ValueGetter<bool>)((ref bool value) =>
            {
                Logits();
                value = z[1] - z[0] > 0;
            }),
            _ => throw new InvalidOperationException($"The MLP scorer does not produce column '{_names[added]}'."),
        };
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

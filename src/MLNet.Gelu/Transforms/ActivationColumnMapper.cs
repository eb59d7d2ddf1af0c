using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.RowMapping;

namespace MLNet.Gelu;

/// <summary>Binds an activation to an input schema: one output column per pair, with the input's type and slot names.</summary>
internal sealed class ActivationColumnMapper : ColumnMapper
{
    /// <summary>ML.NET's annotation kind for slot names (its constant is internal).</summary>
    internal const string SlotNames = "SlotNames";

    private readonly Activation _activation;
    private readonly int[] _inputs;
    private readonly bool _preservesZero;

    private ActivationColumnMapper(DataViewSchema inputSchema, Activation activation, int[] inputs, DataViewSchema.DetachedColumn[] added)
        : base(inputSchema, added)
    {
        _activation = activation;
        _inputs = inputs;
        _preservesZero = MapsZeroToZero(activation);
    }

    internal static ActivationColumnMapper Bind(DataViewSchema inputSchema, Activation activation, IReadOnlyList<InputOutputColumnPair> columns)
    {
        int[] inputs = ActivationInputs.Resolve(inputSchema, columns);
        var added = new DataViewSchema.DetachedColumn[columns.Count];
        for (int i = 0; i < added.Length; i++)
        {
            var input = inputSchema[inputs[i]];
            var annotations = new DataViewSchema.Annotations.Builder();
            annotations.Add(input.Annotations, name => name == SlotNames);
            added[i] = new DataViewSchema.DetachedColumn(columns[i].OutputColumnName, input.Type, annotations.ToAnnotations());
        }

        return new ActivationColumnMapper(inputSchema, activation, inputs, added);
    }

    /// <summary>
    /// Whether f(0) = 0, so that a sparse vector stays sparse (only its stored values are mapped). True for every
    /// activation defined today (GELU in all forms, ReLU, ELU, SiLU); a future one without it gets dense outputs.
    /// </summary>
    internal static bool MapsZeroToZero(Activation activation)
    {
        float zero = 0;
        float result = float.NaN;
        Activations.Apply(activation, new ReadOnlySpan<float>(in zero), new Span<float>(ref result));
        return result == 0;
    }

    protected override IEnumerable<int> GetInputColumns(int added) => [_inputs[added]];

    protected override Delegate CreateGetter(DataViewRow input, int added)
    {
        var column = input.Schema[_inputs[added]];
        return column.Type is VectorDataViewType ? VectorGetter(input, column) : ScalarGetter(input, column);
    }

    private ValueGetter<float> ScalarGetter(DataViewRow input, DataViewSchema.Column column)
    {
        var source = input.GetGetter<float>(column);
        var activation = _activation;
        float x = 0;
        return (ref float value) =>
        {
            source(ref x);
            Activations.Apply(activation, new ReadOnlySpan<float>(in x), new Span<float>(ref value));
        };
    }

    private ValueGetter<VBuffer<float>> VectorGetter(DataViewRow input, DataViewSchema.Column column)
    {
        var source = input.GetGetter<VBuffer<float>>(column);
        var activation = _activation;
        var src = default(VBuffer<float>);
        if (_preservesZero)
        {
            return (ref VBuffer<float> value) =>
            {
                source(ref src);
                var values = src.GetValues();
                var editor = VBufferEditor.Create(ref value, src.Length, values.Length);
                Activations.Apply(activation, values, editor.Values);
                if (!src.IsDense)
                {
                    src.GetIndices().CopyTo(editor.Indices);
                }

                value = editor.Commit();
            };
        }

        return (ref VBuffer<float> value) =>
        {
            source(ref src);
            var editor = VBufferEditor.Create(ref value, src.Length);
            src.CopyTo(editor.Values);
            Activations.Apply(activation, editor.Values, editor.Values);
            value = editor.Commit();
        };
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Persistence;
using MLNet.Gelu.RowMapping;

namespace MLNet.Gelu;

/// <summary>What the binary and multiclass MLP transformers share: binding to a schema, scoring, saving.</summary>
internal sealed class MlpScorer
{
    private readonly DataViewSchema.DetachedColumn[] _outputs;
    private readonly Lazy<ITransformer> _surrogate;

    internal MlpScorer(MlpModelParameters model, string featureColumnName, ITransformer head, ITransformer? surrogate = null)
    {
        Model = model;
        FeatureColumnName = featureColumnName;
        FeatureColumnType = new VectorDataViewType(NumberDataViewType.Single, model.InputCount);
        Head = head;
        _outputs = PredictionHeads.OutputColumns(head, model.ClassCount);
        var features = SchemaWithFeatures()[featureColumnName];
        _surrogate = surrogate is null ? new(() => MlpSurrogate.Create(model, features, head)) : new(surrogate);
    }

    internal MlpModelParameters Model { get; }

    internal string FeatureColumnName { get; }

    internal VectorDataViewType FeatureColumnType { get; }

    internal ITransformer Head { get; }

    /// <summary>The built-in model this one saves as; built on first use (it needs ONNX Runtime's native library).</summary>
    internal ITransformer Surrogate => _surrogate.Value;

    internal ClassifierScoreMapper Bind(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var column = MlpDataReader.FeatureColumn(inputSchema, FeatureColumnName, "input");
        if (!column.Type.Equals(FeatureColumnType))
        {
            throw new ArgumentException(
                $"Feature column '{FeatureColumnName}' of the input has type {column.Type}; this model was trained on {FeatureColumnType}.", nameof(inputSchema));
        }

        var model = Model;
        int features = column.Index;
        return new ClassifierScoreMapper(inputSchema, model.ClassCount, [features], row =>
        {
            var source = row.GetGetter<VBuffer<float>>(row.Schema[features]);
            var x = new float[model.InputCount];
            var buffer = default(VBuffer<float>);
            return logits =>
            {
                source(ref buffer);
                buffer.CopyTo(x);
                model.ComputeLogits(x, logits);
            };
        }, _outputs);
    }

    internal IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Bind(input.Schema).Transform(input);
    }

    internal void Save(ModelSaveContext ctx) => ((ICanSaveModel)Surrogate).Save(ctx);

    private DataViewSchema SchemaWithFeatures()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(FeatureColumnName, FeatureColumnType);
        return builder.ToSchema();
    }
}

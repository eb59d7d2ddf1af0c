using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.RowMapping;

namespace MLNet.Gelu.Persistence;

/// <summary>
/// The built-in ML.NET model an MLP transformer saves as: <c>ApplyOnnxModel</c> over the graph from
/// <see cref="MlpOnnxGraph"/> (features → logits), the ML.NET prediction head from <see cref="PredictionHeads"/>
/// (logits → Score, PredictedLabel, Probability), and <c>DropColumns</c> for the logits. Plain
/// <c>mlContext.Model.Load</c> returns this chain; it needs ONNX Runtime's native library (package
/// <c>Microsoft.ML.OnnxRuntime</c>) where it is built and where it is loaded.
/// </summary>
internal static class MlpSurrogate
{
    internal static ITransformer Create(MlpModelParameters model, DataViewSchema.Column features, ITransformer head)
    {
        var context = new MLContext();
        var input = new DataViewSchema.Builder();
        input.AddColumn(features.Name, features.Type);
        IDataView view = new SchemaOnlyDataView(input.ToSchema());

        byte[] graph = MlpOnnxGraph.Create(model, features.Name, PredictionHeads.LogitsColumn);
        ITransformer onnx;
        try
        {
            onnx = context.Transforms.ApplyOnnxModel([PredictionHeads.LogitsColumn], [features.Name], new MemoryStream(graph)).Fit(view);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException)
        {
            throw new InvalidOperationException(
                "Saving an MLP model writes it as an ONNX graph for ML.NET's ApplyOnnxModel, which needs ONNX Runtime's native library. " +
                "Add the package Microsoft.ML.OnnxRuntime (CPU) to the application.", e);
        }

        view = onnx.Transform(view);
        view = head.Transform(view);
        var drop = context.Transforms.DropColumns(PredictionHeads.LogitsColumn).Fit(view);
        return new TransformerChain<ITransformer>(onnx, head, drop);
    }

    /// <summary>Whether <paramref name="node"/> is a chain <see cref="Create"/> made, and so can be swapped back.</summary>
    internal static ITransformer? HeadOf(ITransformer node) =>
        node is TransformerChain<ITransformer> chain && chain.Count() == 3 && chain.First() is Microsoft.ML.Transforms.Onnx.OnnxTransformer
            ? chain.ElementAt(1)
            : null;
}

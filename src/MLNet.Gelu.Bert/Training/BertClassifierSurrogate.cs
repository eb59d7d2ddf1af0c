using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Persistence;
using MLNet.Gelu.RowMapping;

namespace MLNet.Gelu.Bert;

/// <summary>
/// The built-in model a BERT classifier saves as: a <c>CustomMapping</c> from the text column(s) to the logits whose
/// contract name says how to load the model (no factory exists for it outside the library's loader, so plain
/// <c>mlContext.Model.Load</c> fails naming <c>LoadWithActivations</c>), then ML.NET's own prediction head (which keeps
/// the label's key values) and <c>DropColumns</c> for the logits. The loader swaps the chain back for the native transformer.
/// </summary>
internal static class BertClassifierSurrogate
{
    internal const string ContractName =
        "MLNet.Gelu.Bert.BertClassifier (a fine-tuned BERT classifier: save the model with mlContext.Model.SaveWithActivations and load it with " +
        "mlContext.Model.LoadWithActivations, namespace MLNet.Gelu, package MLNet.Gelu.Bert)";

    internal static ITransformer Create(string text, string? second, int classes, ITransformer head)
    {
        var inputs = SchemaDefinition.Create(typeof(SurrogateInput));
        var textColumn = inputs[nameof(SurrogateInput.Text)];
        var secondColumn = inputs[nameof(SurrogateInput.Second)];
        textColumn.ColumnName = text;
        if (second is null)
        {
            inputs.Remove(secondColumn);
        }
        else
        {
            secondColumn.ColumnName = second;
        }

        var outputs = SchemaDefinition.Create(typeof(SurrogateOutput));
        var logits = outputs[nameof(SurrogateOutput.Logits)];
        logits.ColumnName = PredictionHeads.LogitsColumn;
        logits.ColumnType = new VectorDataViewType(NumberDataViewType.Single, classes);

        var schema = new DataViewSchema.Builder();
        schema.AddColumn(text, TextDataViewType.Instance);
        if (second is not null && second != text)
        {
            schema.AddColumn(second, TextDataViewType.Instance);
        }

        var context = new MLContext();
        IDataView view = new SchemaOnlyDataView(schema.ToSchema());
        var mapping = context.Transforms.CustomMapping<SurrogateInput, SurrogateOutput>(
            UnloadableMapping.Throw<SurrogateInput, SurrogateOutput>, ContractName, inputs, outputs).Fit(view);
        view = head.Transform(mapping.Transform(view));
        var drop = context.Transforms.DropColumns(PredictionHeads.LogitsColumn).Fit(view);
        return new TransformerChain<ITransformer>(mapping, head, drop);
    }

    /// <summary>The prediction head of a chain <see cref="Create"/> made, or null when <paramref name="node"/> is not one.</summary>
    internal static ITransformer? HeadOf(ITransformer node) =>
        node is TransformerChain<ITransformer> chain && chain.Count() == 3 && chain.First().GetType().Name.StartsWith("CustomMappingTransformer", StringComparison.Ordinal)
            ? chain.ElementAt(1)
            : null;

    /// <summary>The stand-in's input row (ML.NET maps its members by reflection).</summary>
    internal sealed class SurrogateInput
    {
        public string Text { get; set; } = string.Empty;

        public string Second { get; set; } = string.Empty;
    }

    /// <summary>The stand-in's output row.</summary>
    internal sealed class SurrogateOutput
    {
        public float[] Logits { get; set; } = [];
    }
}

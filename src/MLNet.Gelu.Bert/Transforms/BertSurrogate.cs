using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Persistence;
using MLNet.Gelu.RowMapping;

namespace MLNet.Gelu.Bert;

/// <summary>
/// The built-in stand-in that the BERT scoring transformer saves as, and the source of its estimator's output shape: a
/// <c>CustomMapping</c> with the same input and output columns whose contract name says how to load the model. No
/// factory exists for that contract, so plain <c>mlContext.Model.Load</c> fails with ML.NET's "Unable to locate an
/// extension for the contract '…'" naming the loader, instead of returning a silently wrong model. The library's loader
/// registers <see cref="BertSurrogateFactory"/> so that ML.NET can read the stand-in, then swaps it for the native transformer.
/// </summary>
internal static class BertSurrogate
{
    /// <summary>The contract name: what ML.NET shows when plain <c>Model.Load</c> meets a saved BERT scoring transformer.</summary>
    internal const string ContractName =
        "MLNet.Gelu.Bert.ScoreBert (a BERT scoring transformer: save the model with mlContext.Model.SaveWithActivations and load it with " +
        "mlContext.Model.LoadWithActivations, namespace MLNet.Gelu, package MLNet.Gelu.Bert)";

    /// <summary>The equivalent built-in estimator for these columns (<paramref name="dimension"/> 0 when not yet known).</summary>
    internal static IEstimator<ITransformer> CreateEstimator(string output, string input, BertScoringOptions options, int dimension)
    {
        string? second = options.SecondInputColumnName;
        // A SchemaDefinition is indexed by column name: take every column before renaming any, since a new name may
        // be another member's old one (an output named "Truncated", say).
        var inputs = SchemaDefinition.Create(typeof(SurrogateInput));
        var text = inputs[nameof(SurrogateInput.Text)];
        var secondText = inputs[nameof(SurrogateInput.Second)];
        text.ColumnName = input;
        if (second is null)
        {
            inputs.Remove(secondText);
        }
        else
        {
            secondText.ColumnName = second;
        }

        var outputs = SchemaDefinition.Create(typeof(SurrogateOutput));
        var embedding = outputs[nameof(SurrogateOutput.Embedding)];
        var truncated = outputs[nameof(SurrogateOutput.Truncated)];
        var tokenCount = outputs[nameof(SurrogateOutput.TokenCount)];
        embedding.ColumnName = output;
        embedding.ColumnType = new VectorDataViewType(NumberDataViewType.Single, Math.Max(dimension, 1));
        Name(outputs, truncated, options.TruncatedTokensColumnName);
        Name(outputs, tokenCount, options.TokenCountColumnName);

        return new MLContext().Transforms.CustomMapping<SurrogateInput, SurrogateOutput>(
            UnloadableMapping.Throw<SurrogateInput, SurrogateOutput>, ContractName, inputs, outputs);
    }

    /// <summary>Fits the stand-in on a schema with the text column(s).</summary>
    internal static ITransformer Create(string output, string input, BertScoringOptions options, int dimension)
    {
        string? second = options.SecondInputColumnName;
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(input, TextDataViewType.Instance);
        if (second is not null && second != input)
        {
            builder.AddColumn(second, TextDataViewType.Instance);
        }

        return CreateEstimator(output, input, options, dimension).Fit(new SchemaOnlyDataView(builder.ToSchema()));
    }

    /// <summary>Names an optional output column, or removes it when not asked for.</summary>
    private static void Name(SchemaDefinition definition, SchemaDefinition.Column column, string? name)
    {
        if (name is null)
        {
            definition.Remove(column);
        }
        else
        {
            column.ColumnName = name;
        }
    }

    /// <summary>The stand-in's input row (ML.NET maps its members by reflection).</summary>
    internal sealed class SurrogateInput
    {
        public string Text { get; set; } = string.Empty;

        public string Second { get; set; } = string.Empty;
    }

    /// <summary>The stand-in's output row.</summary>
    internal sealed class SurrogateOutput
    {
        public float[] Embedding { get; set; } = [];

        public int Truncated { get; set; }

        public int TokenCount { get; set; }
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.RowMapping;

namespace MLNet.Gelu.Persistence;

/// <summary>
/// The built-in stand-in that an activation transformer saves as: one Expression transformer per column (a
/// <see cref="TransformerChain{TLastTransformer}"/> of them when there are several). Plain <c>mlContext.Model.Load</c>
/// then returns a working model without this library.
/// </summary>
internal static class ActivationSurrogate
{
    /// <summary>The equivalent built-in estimator (also used for the estimator's output schema).</summary>
    internal static IEstimator<ITransformer> CreateEstimator(Activation activation, IReadOnlyList<InputOutputColumnPair> columns)
    {
        var context = new MLContext();
        string expression = ActivationExpressions.For(activation);
        if (columns.Count == 1)
        {
            return context.Transforms.Expression(columns[0].OutputColumnName, expression, columns[0].InputColumnName);
        }

        var chain = new EstimatorChain<ITransformer>();
        foreach (var pair in columns)
        {
            chain = chain.Append<ITransformer>(context.Transforms.Expression(pair.OutputColumnName, expression, pair.InputColumnName));
        }

        return chain;
    }

    /// <summary>Fits the stand-in on the input types (<c>true</c> = vector of Single, <c>false</c> = Single) of each column.</summary>
    internal static ITransformer Create(Activation activation, IReadOnlyList<InputOutputColumnPair> columns, IReadOnlyList<bool> inputIsVector)
    {
        var builder = new DataViewSchema.Builder();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < columns.Count; i++)
        {
            if (seen.Add(columns[i].InputColumnName))
            {
                builder.AddColumn(
                    columns[i].InputColumnName,
                    inputIsVector[i] ? new VectorDataViewType(NumberDataViewType.Single) : NumberDataViewType.Single);
            }
        }

        return CreateEstimator(activation, columns).Fit(new SchemaOnlyDataView(builder.ToSchema()));
    }

    /// <summary>Whether <paramref name="transformer"/> has the shape of a stand-in for <paramref name="columnCount"/> columns.</summary>
    internal static bool HasShape(ITransformer transformer, int columnCount)
    {
        if (columnCount == 1)
        {
            return transformer is Microsoft.ML.Transforms.ExpressionTransformer;
        }

        return transformer is TransformerChain<ITransformer> chain
            && chain.Count() == columnCount
            && chain.All(t => t is Microsoft.ML.Transforms.ExpressionTransformer);
    }
}

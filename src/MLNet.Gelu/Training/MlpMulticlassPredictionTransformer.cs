using Microsoft.ML;

namespace MLNet.Gelu;

/// <summary>
/// A trained multiclass MLP classifier: adds <c>Score</c> (a vector of class probabilities, <c>SlotNames</c> from the
/// label's key values) and <c>PredictedLabel</c> (a key of the most probable class, with the training label's
/// <c>KeyValues</c>, so <c>MapKeyToValue</c> turns it back into the original label) to every row.
/// Made by <see cref="MlpMulticlassTrainer.Fit(IDataView)"/>.
/// </summary>
/// <remarks>Everything else, saving included, is described on <see cref="MlpPredictionTransformer"/>.</remarks>
public sealed class MlpMulticlassPredictionTransformer : MlpPredictionTransformer
{
    internal MlpMulticlassPredictionTransformer(MlpScorer scorer)
        : base(scorer)
    {
    }

    private protected override bool IsBinary => false;
}

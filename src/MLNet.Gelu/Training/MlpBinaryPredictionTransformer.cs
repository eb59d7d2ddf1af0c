using Microsoft.ML;

namespace MLNet.Gelu;

/// <summary>
/// A trained binary MLP classifier: adds <c>Score</c> (the logit difference z₁ − z₀), <c>Probability</c> (σ(Score), the
/// softmax probability of <see langword="true"/>) and <c>PredictedLabel</c> (Score &gt; 0) to every row.
/// Made by <see cref="MlpBinaryTrainer.Fit(IDataView)"/>.
/// </summary>
/// <remarks>Everything else, saving included, is described on <see cref="MlpPredictionTransformer"/>.</remarks>
public sealed class MlpBinaryPredictionTransformer : MlpPredictionTransformer
{
    internal MlpBinaryPredictionTransformer(MlpScorer scorer)
        : base(scorer)
    {
    }

    private protected override bool IsBinary => true;
}

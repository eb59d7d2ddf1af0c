namespace MLNet.Gelu.Encoder;

/// <summary>
/// The shape of a BERT-style encoder classifier: vocabulary and position table sizes, width, depth, heads, feed-forward
/// width and activation, where the LayerNorms sit, how the sequence is pooled, and the number of classes.
/// </summary>
/// <param name="VocabularySize">Rows of the token embedding table.</param>
/// <param name="MaxPositions">Rows of the position embedding table: the longest sequence the encoder takes.</param>
/// <param name="TypeVocabularySize">Rows of the token-type (segment) embedding table, at least 1.</param>
/// <param name="Hidden">Width of every token vector; a multiple of <paramref name="Heads"/>.</param>
/// <param name="Layers">Transformer layers, at least 1.</param>
/// <param name="Heads">Attention heads per layer.</param>
/// <param name="Intermediate">Width of the feed-forward block.</param>
/// <param name="Activation">The feed-forward block's activation.</param>
/// <param name="NormPlacement">Post-LayerNorm (BERT, MiniLM) or pre-LayerNorm (with a final LayerNorm).</param>
/// <param name="Pooling">How the token vectors become one vector per sequence.</param>
/// <param name="Classes">Logits of the classifier head, at least 2.</param>
/// <param name="LayerNormEpsilon">Added to the variance inside every LayerNorm.</param>
/// <param name="HiddenDropout">Dropout on the embeddings, on each block's output before its residual add, and on the pooled vector.</param>
/// <param name="AttentionDropout">Dropout on the attention probabilities.</param>
internal sealed record EncoderConfiguration(
    int VocabularySize,
    int MaxPositions,
    int TypeVocabularySize,
    int Hidden,
    int Layers,
    int Heads,
    int Intermediate,
    Activation Activation,
    EncoderNormPlacement NormPlacement,
    EncoderPooling Pooling,
    int Classes,
    float LayerNormEpsilon = 1e-12f,
    float HiddenDropout = 0.1f,
    float AttentionDropout = 0.1f)
{
    /// <summary>Width of one attention head.</summary>
    public int HeadSize => Hidden / Heads;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first size that cannot make an encoder.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(VocabularySize, 1, nameof(VocabularySize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPositions, 1, nameof(MaxPositions));
        ArgumentOutOfRangeException.ThrowIfLessThan(TypeVocabularySize, 1, nameof(TypeVocabularySize));
        ArgumentOutOfRangeException.ThrowIfLessThan(Hidden, 1, nameof(Hidden));
        ArgumentOutOfRangeException.ThrowIfLessThan(Layers, 1, nameof(Layers));
        ArgumentOutOfRangeException.ThrowIfLessThan(Heads, 1, nameof(Heads));
        ArgumentOutOfRangeException.ThrowIfLessThan(Intermediate, 1, nameof(Intermediate));
        ArgumentOutOfRangeException.ThrowIfLessThan(Classes, 2, nameof(Classes));
        if (Hidden % Heads != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Hidden), Hidden, $"Hidden width {Hidden} is not a multiple of the {Heads} attention heads.");
        }

        if (!Enum.IsDefined(Activation))
        {
            throw new ArgumentOutOfRangeException(nameof(Activation), Activation, "Unknown activation.");
        }

        if (!Enum.IsDefined(NormPlacement))
        {
            throw new ArgumentOutOfRangeException(nameof(NormPlacement), NormPlacement, "Unknown LayerNorm placement.");
        }

        if (!Enum.IsDefined(Pooling))
        {
            throw new ArgumentOutOfRangeException(nameof(Pooling), Pooling, "Unknown pooling.");
        }

        if (!(LayerNormEpsilon > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(LayerNormEpsilon), LayerNormEpsilon, "LayerNorm epsilon must be positive.");
        }

        CheckDropout(HiddenDropout, nameof(HiddenDropout));
        CheckDropout(AttentionDropout, nameof(AttentionDropout));
    }

    private static void CheckDropout(float p, string name)
    {
        if (!(p >= 0 && p < 1))
        {
            throw new ArgumentOutOfRangeException(name, p, "A dropout probability must be in [0, 1).");
        }
    }
}

using MLNet.Gelu.Encoder;

namespace MLNet.Gelu.Bert;

/// <summary>
/// The size of a BERT-style encoder trained from scratch (<see cref="BertClassifierOptions.FromScratch"/>). The defaults
/// are a small encoder that learns from a few thousand labelled sentences in seconds to minutes on a CPU: 2 layers,
/// hidden width 64, 4 attention heads, feed-forward width 256, BERT's post-LayerNorm layout (108,546 parameters besides
/// the token embeddings for a binary classifier of 128 tokens). Its position table holds <see cref="BertClassifierOptions.MaxTokens"/> rows and its token
/// table one row per word piece seen in the training texts.
/// </summary>
public sealed record BertEncoderShape
{
    /// <summary>Transformer layers, at least 1. Default 2.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>Width of every token vector (and of the embeddings), a multiple of <see cref="Heads"/>. Default 64.</summary>
    public int HiddenSize { get; init; } = 64;

    /// <summary>Attention heads per layer; must divide <see cref="HiddenSize"/>. Default 4.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Width of each layer's feed-forward block (BERT uses 4 × <see cref="HiddenSize"/>). Default 256.</summary>
    public int FeedForwardSize { get; init; } = 256;

    /// <summary>
    /// <see langword="false"/> (default) for BERT's post-LayerNorm layout, <c>LN(x + Block(x))</c>; <see langword="true"/> for
    /// pre-LayerNorm, <c>x + Block(LN(x))</c> with a LayerNorm after the last layer, which is steadier for deep encoders.
    /// </summary>
    public bool PreLayerNorm { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first size that cannot make an encoder.</summary>
    internal void Validate()
    {
        Positive(Layers, nameof(Layers));
        Positive(HiddenSize, nameof(HiddenSize));
        Positive(Heads, nameof(Heads));
        Positive(FeedForwardSize, nameof(FeedForwardSize));
        if (HiddenSize % Heads != 0)
        {
            throw new ArgumentOutOfRangeException(
                Name(nameof(Heads)), Heads, $"{Heads} attention heads do not divide the hidden size {HiddenSize}: each head takes HiddenSize / Heads of the width.");
        }
    }

    /// <summary>The engine's configuration of this shape.</summary>
    internal EncoderConfiguration Configuration(
        int vocabularyRows, int maxTokens, int classes, EncoderPooling pooling, Activation activation, float dropout) => new(
        vocabularyRows, maxTokens, TypeVocabularySize: 2, HiddenSize, Layers, Heads, FeedForwardSize, activation,
        PreLayerNorm ? EncoderNormPlacement.PreLayerNorm : EncoderNormPlacement.PostLayerNorm, pooling, classes,
        HiddenDropout: dropout, AttentionDropout: dropout);

    private static void Positive(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(Name(name), value, $"The encoder's {name} must be at least 1.");
        }
    }

    private static string Name(string property) => $"{nameof(BertClassifierOptions.FromScratch)}.{property}";
}

namespace MLNet.Gelu.Encoder;

/// <summary>Every parameter of an encoder classifier, named after Hugging Face BERT, with a gradient array beside each.</summary>
internal sealed partial class EncoderWeights
{
    /// <summary>Standard deviation of BERT's initial weights and embeddings (its <c>initializer_range</c>).</summary>
    public const double InitializerRange = 0.02;

    public EncoderWeights(EncoderConfiguration configuration)
    {
        configuration.Validate();
        Configuration = configuration;
        int h = configuration.Hidden;
        WordEmbeddings = new EncoderTensor("embeddings.word_embeddings.weight", configuration.VocabularySize, h, EncoderTensorKind.Matrix);
        PositionEmbeddings = new EncoderTensor("embeddings.position_embeddings.weight", configuration.MaxPositions, h, EncoderTensorKind.Matrix);
        TypeEmbeddings = new EncoderTensor("embeddings.token_type_embeddings.weight", configuration.TypeVocabularySize, h, EncoderTensorKind.Matrix);
        EmbeddingNormScale = new EncoderTensor("embeddings.LayerNorm.weight", 1, h, EncoderTensorKind.NormScale);
        EmbeddingNormBias = new EncoderTensor("embeddings.LayerNorm.bias", 1, h, EncoderTensorKind.Bias);
        Layers = Enumerable.Range(0, configuration.Layers).Select(l => new EncoderLayerWeights(l, h, configuration.Intermediate)).ToArray();
        if (configuration.NormPlacement == EncoderNormPlacement.PreLayerNorm)
        {
            FinalNormScale = new EncoderTensor("encoder.final_layer_norm.weight", 1, h, EncoderTensorKind.NormScale);
            FinalNormBias = new EncoderTensor("encoder.final_layer_norm.bias", 1, h, EncoderTensorKind.Bias);
        }

        Classifier = new EncoderTensor("classifier.weight", configuration.Classes, h, EncoderTensorKind.Matrix);
        ClassifierBias = new EncoderTensor("classifier.bias", 1, configuration.Classes, EncoderTensorKind.Bias);
        All = EnumerateAll().ToArray();
    }

    public EncoderConfiguration Configuration { get; }

    public EncoderTensor WordEmbeddings { get; }

    public EncoderTensor PositionEmbeddings { get; }

    public EncoderTensor TypeEmbeddings { get; }

    public EncoderTensor EmbeddingNormScale { get; }

    public EncoderTensor EmbeddingNormBias { get; }

    public EncoderLayerWeights[] Layers { get; }

    /// <summary>The LayerNorm after the last layer; pre-LN encoders only.</summary>
    public EncoderTensor? FinalNormScale { get; }

    public EncoderTensor? FinalNormBias { get; }

    /// <summary>The classifier head, classes × hidden.</summary>
    public EncoderTensor Classifier { get; }

    public EncoderTensor ClassifierBias { get; }

    /// <summary>Every tensor, in a fixed order (embeddings, layers, final norm, head).</summary>
    public IReadOnlyList<EncoderTensor> All { get; }

    /// <summary>Total number of parameters.</summary>
    public long ParameterCount => All.Sum(t => (long)t.Values.Length);

    /// <summary>BERT's initialization: weights and embeddings from N(0, 0.02²), biases 0, LayerNorm scales 1 and shifts 0.</summary>
    public void Initialize(ref RandomSource random)
    {
        foreach (var tensor in All)
        {
            if (tensor.Kind == EncoderTensorKind.Matrix)
            {
                for (int i = 0; i < tensor.Values.Length; i++)
                {
                    tensor.Values[i] = (float)(random.NextGaussian() * InitializerRange);
                }
            }
            else
            {
                Array.Fill(tensor.Values, tensor.Kind == EncoderTensorKind.NormScale ? 1f : 0f);
            }
        }
    }

    /// <summary>Sets every gradient to zero.</summary>
    public void ClearGradients()
    {
        foreach (var tensor in All)
        {
            Array.Clear(tensor.Gradient);
        }
    }

    private IEnumerable<EncoderTensor> EnumerateAll()
    {
        yield return WordEmbeddings;
        yield return PositionEmbeddings;
        yield return TypeEmbeddings;
        yield return EmbeddingNormScale;
        yield return EmbeddingNormBias;
        foreach (var tensor in Layers.SelectMany(l => l.All))
        {
            yield return tensor;
        }

        if (FinalNormScale is not null && FinalNormBias is not null)
        {
            yield return FinalNormScale;
            yield return FinalNormBias;
        }

        yield return Classifier;
        yield return ClassifierBias;
    }
}

namespace MLNet.Gelu.Bert;

/// <summary>
/// Options of the BERT classifier trainers (<c>mlContext.MulticlassClassification.Trainers.BertClassifier</c> and the
/// binary twin): which pretrained model to fine-tune (or the size of an encoder to train from scratch), the text and label
/// columns, and the training recipe. The defaults are those of Hugging Face's BERT fine-tuning (AdamW, learning rate 5e‑5
/// with 10 % linear warm-up then linear decay, weight decay 0.01 off biases and LayerNorm, gradient norm clipped to 1,
/// dropout 0.1, 3 epochs, batches of 32); from scratch the default learning rate is 1e‑3.
/// </summary>
public sealed record BertClassifierOptions
{
    /// <summary>The learning rate when <see cref="LearningRate"/> is <see langword="null"/> and a pretrained model is fine-tuned: 5e‑5.</summary>
    public const double DefaultFineTuningLearningRate = 5e-5;

    /// <summary>The learning rate when <see cref="LearningRate"/> is <see langword="null"/> and <see cref="FromScratch"/> is set: 1e‑3.</summary>
    public const double DefaultFromScratchLearningRate = 1e-3;

    /// <summary>The pretrained BERT to fine-tune (its ONNX export and vocabulary); <see langword="null"/> for all-MiniLM-L6-v2.
    /// With <see cref="FromScratch"/> only its WordPiece vocabulary and lower-casing are used.</summary>
    public BertModel? Model { get; init; }

    /// <summary>
    /// <see langword="null"/> (default) fine-tunes <see cref="Model"/>. Otherwise a new encoder of this shape is trained from
    /// scratch, its weights drawn from <see cref="Seed"/> as BERT initializes them (N(0, 0.02²), LayerNorm 1 and 0): texts are
    /// tokenized with <see cref="Model"/>'s WordPiece vocabulary, only the pieces seen in the training texts get an embedding
    /// row (any other piece reads <c>[UNK]</c>'s), and the position table holds <see cref="MaxTokens"/> rows. The activation
    /// is <see cref="Activation"/>, exact GELU when that is <see langword="null"/>.
    /// </summary>
    public BertEncoderShape? FromScratch { get; init; }

    /// <summary>The text column (ReadOnlyMemory&lt;char&gt;). Default <c>Text</c>.</summary>
    public string TextColumnName { get; init; } = "Text";

    /// <summary>A second text column for sentence pairs (token type 1), or <see langword="null"/>.</summary>
    public string? SecondTextColumnName { get; init; }

    /// <summary>The label column: a key (multiclass, as <c>MapValueToKey</c> makes it) or Boolean (binary). Default <c>Label</c>.</summary>
    public string LabelColumnName { get; init; } = "Label";

    /// <summary>Passes over the training rows. Default 3.</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>Texts per training step (batches are formed from texts of similar length). Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Peak AdamW learning rate, reached after warm-up. Default <see langword="null"/>: 5e‑5 when fine-tuning
    /// (<see cref="DefaultFineTuningLearningRate"/>), 1e‑3 from scratch (<see cref="DefaultFromScratchLearningRate"/>).</summary>
    public double? LearningRate { get; init; }

    /// <summary>Fraction of the steps over which the rate rises linearly before decaying linearly to 0. Default 0.1.</summary>
    public double WarmupFraction { get; init; } = 0.1;

    /// <summary>AdamW's decoupled weight decay, on matrices and embeddings (not biases or LayerNorm). Default 0.01.</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>The global gradient norm is clipped to this; 0 turns clipping off. Default 1.</summary>
    public double MaxGradientNorm { get; init; } = 1.0;

    /// <summary>Dropout probability on embeddings, block outputs, attention probabilities and the pooled vector while training. Default 0.1.</summary>
    public float Dropout { get; init; } = 0.1f;

    /// <summary>Longest input in tokens, <c>[CLS]</c> and <c>[SEP]</c> included; longer texts are truncated. Default 128.</summary>
    public int MaxTokens { get; init; } = 128;

    /// <summary>How token vectors become the vector the classifier reads: <see cref="BertPooling.Mean"/> (default) or <see cref="BertPooling.Cls"/>.</summary>
    public BertPooling Pooling { get; init; } = BertPooling.Mean;

    /// <summary>An activation to put in the feed-forward blocks in place of the model's before fine-tuning; <see langword="null"/> keeps the model's
    /// (from scratch: <see langword="null"/> is exact GELU).</summary>
    public Activation? Activation { get; init; }

    /// <summary>Seeds the initialization (the head's, or the whole encoder's from scratch), batch order and dropout; <see langword="null"/> draws from the MLContext's seed.
    /// Training is deterministic for a given seed and thread count.</summary>
    public int? Seed { get; init; }

    /// <summary>Threads for training and scoring; <see langword="null"/> for all cores.</summary>
    public int? Threads { get; init; }

    /// <summary>Receives a report after every training step.</summary>
    public IProgress<BertClassifierProgress>? Progress { get; init; }

    /// <summary>Stops training between steps with <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; init; }

    internal int ResolvedThreads => Threads ?? Environment.ProcessorCount;

    internal double ResolvedLearningRate => LearningRate ?? (FromScratch is null ? DefaultFineTuningLearningRate : DefaultFromScratchLearningRate);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> or <see cref="ArgumentException"/> naming the first bad option.</summary>
    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(TextColumnName, nameof(TextColumnName));
        ArgumentException.ThrowIfNullOrEmpty(LabelColumnName, nameof(LabelColumnName));
        ArgumentOutOfRangeException.ThrowIfLessThan(Epochs, 1, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTokens, 3, nameof(MaxTokens));
        if (LearningRate is { } rate && (!(rate > 0) || !double.IsFinite(rate)))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "The learning rate must be positive and finite.");
        }

        if (!(WarmupFraction is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(WarmupFraction), WarmupFraction, "The warm-up fraction must be in [0, 1).");
        }

        if (!(WeightDecay >= 0) || !(MaxGradientNorm >= 0))
        {
            throw new ArgumentOutOfRangeException(WeightDecay >= 0 ? nameof(MaxGradientNorm) : nameof(WeightDecay), "Weight decay and the clipping norm must be non-negative.");
        }

        if (!(Dropout is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "Dropout must be in [0, 1).");
        }

        if (Pooling is not (BertPooling.Mean or BertPooling.Cls))
        {
            throw new ArgumentOutOfRangeException(nameof(Pooling), Pooling, "The classifier pools by Mean or Cls.");
        }

        if (Activation is { } activation && !Enum.IsDefined(activation))
        {
            throw new ArgumentOutOfRangeException(nameof(Activation), activation, "Unknown activation.");
        }

        FromScratch?.Validate();
        if (Threads is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "Threads must be at least 1 (or null for all cores).");
        }
    }
}

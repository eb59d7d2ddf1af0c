namespace MLNet.Gelu;

/// <summary>
/// Options of the multilayer-perceptron classifier: architecture, regularization, the Adam optimizer, the schedule,
/// validation and early stopping, threads, progress and cancellation. Every option has a documented default.
/// </summary>
/// <remarks>
/// Scalar options are checked when set and throw <see cref="ArgumentOutOfRangeException"/> naming the option and the value;
/// all options are checked again when training starts (the hidden-layer array may have been changed in between).
/// Training is deterministic: the same <see cref="Seed"/>, data and options give bit-identical weights on the same machine,
/// whatever <see cref="NumberOfThreads"/> is.
/// The network is trained on the mean softmax cross-entropy; a binary problem is a two-class softmax, whose class-1
/// probability is <c>σ(z₁ − z₀)</c>. Hidden weights start He-normal, <c>N(0, 2/fan_in)</c>, suited to ReLU-like and GELU-family
/// activations; the output layer starts Glorot-uniform; biases start at zero.
/// </remarks>
public sealed class MlpOptions
{
    private int[] _hiddenLayerSizes = [128];
    private Activation _activation = Activation.Gelu;
    private double _dropout;
    private int? _epochs;
    private int _batchSize = 128;
    private double _learningRate = 1e-3;
    private double _beta1 = 0.9;
    private double _beta2 = 0.999;
    private double _epsilon = 1e-8;
    private double _weightDecay;
    private LearningRateSchedule _learningRateSchedule = LearningRateSchedule.Constant;
    private double _validationFraction;
    private int _earlyStoppingPatience;
    private int? _numberOfThreads;
    private string _labelColumnName = "Label";
    private string _featureColumnName = "Features";

    /// <summary>
    /// Width of each hidden layer, input side first. Default <c>[128]</c>: one hidden layer of 128 units.
    /// An empty array gives a linear softmax classifier (multinomial logistic regression).
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is zero or negative.</exception>
    public int[] HiddenLayerSizes
    {
        get => _hiddenLayerSizes;
        set
        {
            ArgumentNullException.ThrowIfNull(value, nameof(HiddenLayerSizes));
            CheckHiddenLayerSizes(value);
            _hiddenLayerSizes = (int[])value.Clone();
        }
    }

    /// <summary>Activation of every hidden layer. Default <see cref="Activation.Gelu"/> (exact erf form).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="Gelu.Activation"/>.</exception>
    public Activation Activation
    {
        get => _activation;
        set => _activation = Enum.IsDefined(value) ? value
            : throw new ArgumentOutOfRangeException(nameof(Activation), value, $"Activation {(int)value} is not defined; use one of {string.Join(", ", Enum.GetNames<Activation>())}.");
    }

    /// <summary>
    /// Probability of zeroing each hidden unit during training (inverted dropout: kept units are scaled by 1/(1 − p), so
    /// inference needs no change). Not applied to the inputs or the output layer. Default 0 (off); must be in [0, 1).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside [0, 1) or NaN.</exception>
    public double Dropout
    {
        get => _dropout;
        set => _dropout = value is >= 0 and < 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(Dropout), value, "Dropout must be in [0, 1): the probability of dropping a hidden unit.");
    }

    /// <summary>
    /// Number of passes over the training rows, honored exactly when set (training then stops early only when
    /// <see cref="EarlyStoppingPatience"/> is set). Default null: chosen from the data size, with early stopping (see remarks).
    /// Must be positive when set.
    /// </summary>
    /// <remarks>
    /// <para>The automatic rule, with <c>n</c> the training rows (after any hold-out) and <c>b = ⌈n / min(BatchSize, n)⌉</c>
    /// the mini-batches per epoch: <c>epochs = max(⌈8000 / b⌉, 20)</c>, a budget of about 8,000 Adam steps or 20 epochs,
    /// whichever is more. Small sets get many epochs, so that they get enough steps, and early stopping ends them when
    /// they have converged (150 rows: b = 2, at most 4,000 epochs); sets of 400 batches or more keep 20 epochs (60,000 rows:
    /// 6,000 held out, b = 422, 20 epochs, at most 8,440 steps).</para>
    /// <para>Early stopping, also automatic:</para>
    /// <list type="bullet">
    /// <item><description>With a validation set (a separate one given to <c>Fit</c>, or <see cref="ValidationFraction"/> above 0,
    /// or, when neither is given and there are at least 1,000 rows, 10 % of the rows held out at random): training stops when
    /// the validation loss has not improved for <see cref="EarlyStoppingPatience"/> epochs (10 when it is 0), and the weights
    /// of the epoch with the lowest validation loss are returned.</description></item>
    /// <item><description>Without one (fewer than 1,000 rows): training stops when the mean training loss of an epoch has not
    /// fallen more than 1e‑4 below its lowest value so far for 10 epochs in a row, and the last weights are returned.</description></item>
    /// </list>
    /// <para>The stopping constants are scikit-learn's <c>MLPClassifier</c> defaults (<c>tol</c> 1e‑4, <c>n_iter_no_change</c> 10,
    /// <c>validation_fraction</c> 0.1). The choice is deterministic for a given seed, and logged to <c>mlContext.Log</c>
    /// before the first epoch.</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public int? Epochs
    {
        get => _epochs;
        set => _epochs = value is null or > 0 ? value
            : throw new ArgumentOutOfRangeException(nameof(Epochs), value, "Epochs must be at least 1, or null to choose it from the data size.");
    }

    /// <summary>Rows per mini-batch (the last batch of an epoch may be smaller); a set of fewer rows is one batch. Default 128; must be positive.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public int BatchSize
    {
        get => _batchSize;
        set => _batchSize = value > 0 ? value
            : throw new ArgumentOutOfRangeException(nameof(BatchSize), value, "BatchSize must be at least 1.");
    }

    /// <summary>
    /// Adam step size α (Kingma &amp; Ba 2015, "Adam: A Method for Stochastic Optimization", ICLR). Default 1e‑3, as in the paper
    /// and PyTorch's <c>torch.optim.Adam</c>; must be positive and finite. The schedule scales it per step.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero, negative, NaN or infinite.</exception>
    public double LearningRate
    {
        get => _learningRate;
        set => _learningRate = value > 0 && double.IsFinite(value) ? value
            : throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "LearningRate must be positive and finite (the usual Adam default is 0.001).");
    }

    /// <summary>
    /// Adam β₁, the decay rate of the running mean of gradients (first moment). Default 0.9 (Kingma &amp; Ba 2015; PyTorch);
    /// must be in [0, 1).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside [0, 1) or NaN.</exception>
    public double Beta1
    {
        get => _beta1;
        set => _beta1 = value is >= 0 and < 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(Beta1), value, "Beta1 must be in [0, 1) (default 0.9).");
    }

    /// <summary>
    /// Adam β₂, the decay rate of the running mean of squared gradients (second moment). Default 0.999
    /// (Kingma &amp; Ba 2015; PyTorch); must be in [0, 1).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside [0, 1) or NaN.</exception>
    public double Beta2
    {
        get => _beta2;
        set => _beta2 = value is >= 0 and < 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(Beta2), value, "Beta2 must be in [0, 1) (default 0.999).");
    }

    /// <summary>
    /// Adam ε, added to the bias-corrected root of the second moment for numerical stability:
    /// <c>θ ← θ − α·m̂ / (√v̂ + ε)</c>. Default 1e‑8 (Kingma &amp; Ba 2015; PyTorch); must be positive and finite.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero, negative, NaN or infinite.</exception>
    public double Epsilon
    {
        get => _epsilon;
        set => _epsilon = value > 0 && double.IsFinite(value) ? value
            : throw new ArgumentOutOfRangeException(nameof(Epsilon), value, "Epsilon must be positive and finite (default 1e-8).");
    }

    /// <summary>
    /// L2 penalty λ added to every gradient before the Adam update, <c>g ← g + λ·θ</c>, for weights and biases alike —
    /// the coupled form of PyTorch's <c>torch.optim.Adam(weight_decay=λ)</c>, not AdamW. Default 0; must be non-negative and finite.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public double WeightDecay
    {
        get => _weightDecay;
        set => _weightDecay = value >= 0 && double.IsFinite(value) ? value
            : throw new ArgumentOutOfRangeException(nameof(WeightDecay), value, "WeightDecay must be non-negative and finite (default 0).");
    }

    /// <summary>How the learning rate changes from step to step. Default <see cref="MLNet.Gelu.LearningRateSchedule.Constant"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined schedule.</exception>
    public LearningRateSchedule LearningRateSchedule
    {
        get => _learningRateSchedule;
        set => _learningRateSchedule = Enum.IsDefined(value) ? value
            : throw new ArgumentOutOfRangeException(nameof(LearningRateSchedule), value, $"Use one of {string.Join(", ", Enum.GetNames<LearningRateSchedule>())}.");
    }

    /// <summary>
    /// Seed of every random choice (initial weights, validation split, shuffling, dropout). Default null: the trainers
    /// draw one from the <c>MLContext</c>'s random source, so <c>new MLContext(seed: n)</c> makes runs repeatable (and an
    /// unseeded context makes each run differ). With a seed, the same data and options give bit-identical weights on the
    /// same machine.
    /// </summary>
    public int? Seed { get; set; }

    /// <summary>
    /// Fraction of the training rows held out (chosen at random by <see cref="Seed"/>) to measure validation loss and accuracy
    /// after each epoch; the weights of the epoch with the lowest validation loss are returned. Default 0: no hold-out, except
    /// that with automatic <see cref="Epochs"/> (null) 10 % of 1,000 rows or more is held out for early stopping.
    /// Must be in [0, 1). Ignored when a separate validation set is given.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside [0, 1) or NaN.</exception>
    public double ValidationFraction
    {
        get => _validationFraction;
        set => _validationFraction = value is >= 0 and < 1 ? value
            : throw new ArgumentOutOfRangeException(nameof(ValidationFraction), value, "ValidationFraction must be in [0, 1).");
    }

    /// <summary>
    /// Stop when the validation loss has not improved for this many epochs in a row. Default 0: never stop early when
    /// <see cref="Epochs"/> is set; 10 epochs when it is automatic (null). Needs a validation set when above 0
    /// (<see cref="ValidationFraction"/> above 0, a separate validation set, or the automatic hold-out of 1,000 rows or more).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int EarlyStoppingPatience
    {
        get => _earlyStoppingPatience;
        set => _earlyStoppingPatience = value >= 0 ? value
            : throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), value, "EarlyStoppingPatience must be 0 (off) or positive.");
    }

    /// <summary>
    /// Threads for the matrix products. Default null: <see cref="Environment.ProcessorCount"/>. The result does not depend on it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public int? NumberOfThreads
    {
        get => _numberOfThreads;
        set => _numberOfThreads = value is null or > 0 ? value
            : throw new ArgumentOutOfRangeException(nameof(NumberOfThreads), value, "NumberOfThreads must be at least 1, or null for one per processor.");
    }

    /// <summary>Receives one <see cref="MlpProgress"/> at the end of every epoch, on the training thread. Default null.</summary>
    public IProgress<MlpProgress>? Progress { get; set; }

    /// <summary>Checked before every mini-batch; when cancelled, training throws <see cref="OperationCanceledException"/>. Default none.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Name of the label column when training through ML.NET. Default <c>"Label"</c>.</summary>
    /// <exception cref="ArgumentException">The value is null, empty or white space.</exception>
    public string LabelColumnName
    {
        get => _labelColumnName;
        set
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value, nameof(LabelColumnName));
            _labelColumnName = value;
        }
    }

    /// <summary>Name of the feature column (a known-size vector of <see cref="float"/>) when training through ML.NET. Default <c>"Features"</c>.</summary>
    /// <exception cref="ArgumentException">The value is null, empty or white space.</exception>
    public string FeatureColumnName
    {
        get => _featureColumnName;
        set
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value, nameof(FeatureColumnName));
            _featureColumnName = value;
        }
    }

    /// <summary>Re-checks what may have changed since it was set (the contents of <see cref="HiddenLayerSizes"/>).</summary>
    internal MlpOptions Clone()
    {
        var copy = (MlpOptions)MemberwiseClone();
        copy._hiddenLayerSizes = (int[])_hiddenLayerSizes.Clone();
        return copy;
    }

    internal void Validate() => CheckHiddenLayerSizes(_hiddenLayerSizes);

    /// <summary>The thread count training uses.</summary>
    internal int ResolvedThreads => _numberOfThreads ?? Environment.ProcessorCount;

    private static void CheckHiddenLayerSizes(int[] sizes)
    {
        for (int i = 0; i < sizes.Length; i++)
        {
            if (sizes[i] <= 0)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(HiddenLayerSizes), sizes[i], $"HiddenLayerSizes[{i}] is {sizes[i]}; every hidden layer needs at least one unit.");
            }
        }
    }
}

namespace ActivationExperiments.Experiments;

/// <summary>How much work each experiment does. <c>--smoke</c> checks the plumbing, <c>--quick</c> runs in CI, <c>--full</c> is the real run.</summary>
internal sealed record ExperimentSettings
{
    public required string Mode { get; init; }

    /// <summary>Epochs of every MNIST run (the GELU paper trains 50).</summary>
    public required int MnistEpochs { get; init; }

    /// <summary>Seeds per activation and learning rate.</summary>
    public required int MnistSeeds { get; init; }

    /// <summary>MNIST rows used: train, validation, test (taken in this order from one fixed shuffle of the 10,000 digits).</summary>
    public required (int Train, int Validation, int Test) MnistSplit { get; init; }

    /// <summary>Sentences embedded (the first of one fixed shuffle of the 3,000); 70 / 15 / 15 % train / validation / test.</summary>
    public required int Sentences { get; init; }

    /// <summary>Seeds per sentiment head.</summary>
    public required int SentimentSeeds { get; init; }

    /// <summary>Epochs of a sentiment head (the weights of the epoch with the lowest validation loss are kept).</summary>
    public required int SentimentEpochs { get; init; }

    /// <summary>Queries whose nearest neighbours are compared between MiniLM variants.</summary>
    public required int NeighbourQueries { get; init; }

    /// <summary>Sentences per timed embedding pass (the first of the same fixed shuffle).</summary>
    public required int ThroughputSentences { get; init; }

    /// <summary>Interleaved rounds; each round times every MiniLM variant once.</summary>
    public required int ThroughputRounds { get; init; }

    /// <summary>Interleaved timing rounds of the int8 experiment (each times the float model, the raw loop and every recipe once).</summary>
    public int Int8Rounds { get; init; } = 3;

    /// <summary>Interleaved timing rounds of the int8 speed-only run.</summary>
    public int Int8SpeedRounds { get; init; } = 5;

    /// <summary>Sentences of the int8 experiment's calibration set (the first of the training split).</summary>
    public int Int8CalibrationSentences { get; init; } = 300;

    /// <summary>Seeds per activation and learning rate of the from-scratch encoders.</summary>
    public int EncoderSeeds { get; init; } = 5;

    /// <summary>Epochs of a from-scratch encoder (the weights of the epoch with the lowest validation loss are kept).</summary>
    public int EncoderEpochs { get; init; } = 5;

    /// <summary>Peak AdamW rates tried per activation for the from-scratch encoders; the one with the lowest median validation error is reported.</summary>
    public IReadOnlyList<double> EncoderLearningRates { get; init; } = [1e-3, 3e-3];

    /// <summary>Synthetic long-range sequences: train, validation, test.</summary>
    public (int Train, int Validation, int Test) LongRangeSplit { get; init; } = (2500, 500, 500);

    /// <summary>UCI sentences the from-scratch encoders train on (the first of the sentiment experiment's fixed shuffle; same 70 / 15 / 15 % split).</summary>
    public int EncoderSentences { get; init; } = 3000;

    /// <summary>SpamAssassin mails the from-scratch encoders train on (all 6,046 unless fewer are asked for: then each class in proportion; 70 / 15 / 15 % per class).</summary>
    public int EncoderMails { get; init; } = 6046;

    /// <summary>Seeds per activation of the MiniLM fine-tuning experiment.</summary>
    public int FineTuneSeeds { get; init; } = 5;

    /// <summary>Epochs of each MiniLM fine-tuning run (the trainer's default).</summary>
    public int FineTuneEpochs { get; init; } = 3;

    public static ExperimentSettings Smoke { get; } = new()
    {
        Mode = "smoke",
        MnistEpochs = 2,
        MnistSeeds = 2,
        MnistSplit = (1000, 200, 200),
        Sentences = 150,
        SentimentSeeds = 2,
        SentimentEpochs = 5,
        NeighbourQueries = 20,
        ThroughputSentences = 64,
        ThroughputRounds = 2,
        Int8Rounds = 2,
        Int8SpeedRounds = 2,
        Int8CalibrationSentences = 30,
        EncoderSeeds = 1,
        EncoderEpochs = 1,
        EncoderLearningRates = [3e-3],
        LongRangeSplit = (200, 50, 50),
        EncoderSentences = 150,
        EncoderMails = 150,
        FineTuneSeeds = 1,
        FineTuneEpochs = 1,
    };

    public static ExperimentSettings Quick { get; } = new()
    {
        Mode = "quick",
        MnistEpochs = 8,
        MnistSeeds = 5,
        MnistSplit = (8000, 1000, 1000),
        Sentences = 1000,
        SentimentSeeds = 5,
        SentimentEpochs = 30,
        NeighbourQueries = 100,
        ThroughputSentences = 300,
        ThroughputRounds = 3,
        EncoderSeeds = 2,
        EncoderEpochs = 3,
        LongRangeSplit = (1000, 300, 300),
        EncoderSentences = 1000,
        EncoderMails = 400,
        FineTuneSeeds = 2,
    };

    public static ExperimentSettings Full { get; } = new()
    {
        Mode = "full",
        MnistEpochs = 50,
        MnistSeeds = 5,
        MnistSplit = (8000, 1000, 1000),
        Sentences = 3000,
        SentimentSeeds = 5,
        SentimentEpochs = 30,
        NeighbourQueries = 200,
        ThroughputSentences = 1000,
        ThroughputRounds = 5,
        Int8Rounds = 7,
        Int8SpeedRounds = 15,
    };

    /// <summary>Learning rates tried per activation; the one with the lowest median validation error is reported.</summary>
    public IReadOnlyList<double> MnistLearningRates { get; } = [1e-3, 1e-4];

    /// <summary>The paper's MNIST network: 8 hidden layers of 128.</summary>
    public IReadOnlyList<int> MnistHiddenLayers { get; } = [128, 128, 128, 128, 128, 128, 128, 128];

    public int MnistBatchSize { get; } = 128;

    /// <summary>The sentiment head: one hidden layer of 128 on the 384-dimensional embeddings, Adam 1e-3, batch 32.</summary>
    public IReadOnlyList<int> SentimentHiddenLayers { get; } = [128];

    public double SentimentLearningRate { get; } = 1e-3;

    public int SentimentBatchSize { get; } = 32;
}

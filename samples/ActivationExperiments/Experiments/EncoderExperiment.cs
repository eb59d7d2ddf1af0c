using MLNet.Gelu;
using MLNet.Gelu.Bert;
using MLNet.Gelu.Encoder;

namespace ActivationExperiments.Experiments;

/// <summary>
/// BERT-style encoders trained from scratch with each activation at one matched size, on (a) two real text tasks, UCI
/// sentiment and SpamAssassin mails (WordPiece ids from MiniLM's vocabulary), and (b) the synthetic long-range task; per
/// activation the learning rate with the lowest median validation error is reported. Runs are independent (one thread each) and run side by side on the cores.
/// </summary>
internal static class EncoderExperiment
{
    /// <summary>One task's runs: every activation × learning rate × seed.</summary>
    public sealed record TaskResult(
        string Name, int Train, int Validation, int Test, int VocabularySize, int MaxLength,
        IReadOnlyList<ClassifierRun> Runs, IReadOnlyDictionary<Activation, double> ChosenLearningRate, double MajorityShare = 0.5);

    public sealed record Result(IReadOnlyList<TaskResult> Tasks, string Shape, long Parameters, double Seconds);

    /// <summary>Tokens kept per sentence, <c>[CLS]</c> and <c>[SEP]</c> included.</summary>
    public const int MaxSentenceTokens = 64;

    /// <summary>Tokens kept per mail (subject and the start of the body), <c>[CLS]</c> and <c>[SEP]</c> included.</summary>
    public const int MaxMailTokens = 64;

    /// <summary>The matched size: BERT's post-LayerNorm layout and <c>[CLS]</c> pooling, 2 layers of width 64, 4 heads, feed-forward 256.</summary>
    public static EncoderConfiguration Shape(Activation activation, int vocabularySize, int maxPositions) => new(
        vocabularySize, maxPositions, TypeVocabularySize: 1, Hidden: 64, Layers: 2, Heads: 4, Intermediate: 256, activation,
        EncoderNormPlacement.PostLayerNorm, EncoderPooling.Cls, Classes: 2, HiddenDropout: 0.1f, AttentionDropout: 0.1f);

    public static Result Run(ExperimentSettings settings, TextWriter log)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var corpus = SentimentCorpus.Load(settings.EncoderSentences);
        var (train, validation, test, vocabulary) = WordPieceExamples(
            [.. corpus.Sentences.Select(s => (s.Text, s.Positive ? 1 : 0))], corpus.TrainCount, corpus.ValidationCount, MaxSentenceTokens);
        var (mails, mailTrain, mailValidation) = SpamCorpus.Load(settings.EncoderMails);
        var (spamTrain, spamValidation, spamTest, spamVocabulary) = WordPieceExamples(mails, mailTrain, mailValidation, MaxMailTokens);
        var (lrTrain, lrValidation, lrTest) = settings.LongRangeSplit;
        var probe = new EncoderWeights(Shape(Activation.Gelu, vocabulary, MaxSentenceTokens));
        string shape = $"2 layers, hidden 64, 4 heads, feed-forward 256, post-LayerNorm, [CLS] pooling, dropout 0.1";
        log.WriteLine($"Encoders from scratch ({shape}): {settings.EncoderSeeds} seeds x learning rates " +
            $"{string.Join(", ", settings.EncoderLearningRates)}, {settings.EncoderEpochs} epochs, batch {EncoderRun.BatchSize}");
        var tasks = new List<TaskResult>
        {
            RunTask("UCI sentiment", train, validation, test, vocabulary, MaxSentenceTokens, settings, log),
            RunTask("SpamAssassin mails", spamTrain, spamValidation, spamTest, spamVocabulary, MaxMailTokens, settings, log),
            RunTask(
                "long-range equality", LongRangeTask.Examples(lrTrain, LongRangeTask.TrainSeed), LongRangeTask.Examples(lrValidation, LongRangeTask.ValidationSeed),
                LongRangeTask.Examples(lrTest, LongRangeTask.TestSeed), LongRangeTask.VocabularySize, LongRangeTask.MaxLength, settings, log),
        };
        return new Result(tasks, shape, probe.ParameterCount - probe.WordEmbeddings.Values.Length, clock.Elapsed.TotalSeconds);
    }

    private static TaskResult RunTask(
        string name, EncoderExample[] train, EncoderExample[] validation, EncoderExample[] test, int vocabularySize, int maxLength,
        ExperimentSettings settings, TextWriter log)
    {
        var jobs = (from activation in Enum.GetValues<Activation>()
                    from rate in settings.EncoderLearningRates
                    from seed in Enumerable.Range(1, settings.EncoderSeeds)
                    select (Activation: activation, Rate: rate, Seed: seed)).ToArray();
        var runs = new ClassifierRun[jobs.Length];
        log.WriteLine($"  {name}: {train.Length} train / {validation.Length} validation / {test.Length} test, vocabulary {vocabularySize}, {jobs.Length} runs");
        Parallel.For(0, jobs.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, j =>
        {
            var (activation, rate, seed) = jobs[j];
            var run = EncoderRun.Train(Shape(activation, vocabularySize, maxLength), train, validation, test, rate, settings.EncoderEpochs, seed);
            runs[j] = run;
            lock (log)
            {
                log.WriteLine(run.Diverged
                    ? $"    {activation,-11} lr {rate:0e0} seed {seed}: diverged after {run.Seconds:F1} s"
                    : $"    {activation,-11} lr {rate:0e0} seed {seed}: final loss {run.TrainingLoss[^1]:F4}, " +
                      $"validation error {run.ValidationError:P2}, test error {run.TestError:P2}, {run.Seconds:F1} s");
            }
        });
        double majority = Math.Max(test.Count(e => e.Label == 1), test.Count(e => e.Label == 0)) / (double)test.Length;
        return new TaskResult(
            name, train.Length, validation.Length, test.Length, vocabularySize, maxLength, runs, MnistExperiment.ChooseLearningRates(runs), majority);
    }

    /// <summary>
    /// Labelled texts (training rows first, then validation, then test) tokenized with MiniLM's WordPiece vocabulary (at
    /// most <paramref name="maxTokens"/> tokens), the ids renumbered densely over the training texts (0 padding, 1 for
    /// pieces never seen in training), so the embedding table holds only pieces the encoder can learn.
    /// </summary>
    private static (EncoderExample[] Train, EncoderExample[] Validation, EncoderExample[] Test, int VocabularySize) WordPieceExamples(
        IReadOnlyList<(string Text, int Label)> rows, int trainCount, int validationCount, int maxTokens)
    {
        var model = BertModel.AllMiniLmL6V2();
        var tokenizer = new BertTextTokenizer(model.Vocabulary, model.Settings.LowerCase, maxTokens);
        var encoded = rows.Select(r => Array.ConvertAll(tokenizer.Encode(r.Text).InputIds, v => (int)v)).ToArray();
        var dense = new Dictionary<int, int>();
        foreach (int id in encoded.Take(trainCount).SelectMany(ids => ids))
        {
            dense.TryAdd(id, dense.Count + 2);
        }

        var examples = encoded.Select((ids, i) => new EncoderExample(Array.ConvertAll(ids, id => dense.GetValueOrDefault(id, 1)), null, rows[i].Label)).ToArray();
        return (examples[..trainCount], examples[trainCount..(trainCount + validationCount)], examples[(trainCount + validationCount)..], dense.Count + 2);
    }
}

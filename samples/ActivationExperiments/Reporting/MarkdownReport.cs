using System.Globalization;
using System.Text;
using ActivationExperiments.Experiments;
using ActivationExperiments.Statistics;
using MLNet.Gelu;

namespace ActivationExperiments.Reporting;

/// <summary>The generated part of docs/experiments.md for one mode: how it was run and the result tables (the program runs under the invariant culture).</summary>
internal static partial class MarkdownReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Header(string command, DateTime startedUtc, double seconds, int processors) =>
        Line($"From `{command}`, started {startedUtc:yyyy-MM-dd HH:mm} UTC; this experiment took {seconds / 60:F1} minutes on " +
            $"{processors} cores ({System.Runtime.InteropServices.RuntimeInformation.OSDescription.Trim()}, " +
            $".NET {Environment.Version}; machine shared with other work, so times are indicative).");

    public static string Mnist(ExperimentSettings settings, MnistExperiment.Result mnist, string lossPlot, string errorPlot)
    {
        var text = new StringBuilder();
        var (train, validation, test) = settings.MnistSplit;
        text.Append(Line($"**MNIST** ({train:N0} train / {validation:N0} validation / {test:N0} test digits of the 10,000, one fixed shuffle, seed {MnistExperiment.SplitSeed}): " +
            $"8 × 128 MLP, Adam, batch {settings.MnistBatchSize}, {settings.MnistEpochs} epochs, no dropout, {settings.MnistSeeds} seeds per activation and learning rate; " +
            $"the weights of the epoch with the lowest validation loss are scored. Learning rate chosen per activation from " +
            $"{{{string.Join(", ", settings.MnistLearningRates.Select(r => r.ToString("0e0", Invariant)))}}} by the median validation error. " +
            $"{mnist.Runs.Count} runs, {mnist.Seconds / 60:F1} minutes."));
        text.AppendLine();
        text.AppendLine("| activation | lr | runs | median test error | IQR | min – max | median final training loss | other lr: median test error |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var activation in Enum.GetValues<Activation>())
        {
            double chosen = mnist.ChosenLearningRate[activation];
            var runs = mnist.Runs.Where(r => r.Activation == activation && r.LearningRate == chosen).ToList();
            var error = Summary.Of(runs.Select(r => r.TestError * 100));
            var loss = Summary.MedianOf(runs.Where(r => !r.Diverged).Select(r => r.TrainingLoss[^1]));
            var others = mnist.Runs.Where(r => r.Activation == activation && r.LearningRate != chosen).GroupBy(r => r.LearningRate)
                .Select(g => string.Create(Invariant, $"{Summary.MedianOf(g.Select(r => r.TestError * 100)):F2} % (lr {g.Key:0e0})"));
            text.Append(Line($"| {activation} | {chosen:0e0} | {Runs(runs)} | **{error.Median:F2} %** | {error.Q1:F2} – {error.Q3:F2} | " +
                $"{error.Min:F2} – {error.Max:F2} | {loss:0.00e0} | {string.Join("; ", others)} |"));
        }

        text.AppendLine();
        text.AppendLine($"![MNIST median training loss]({lossPlot})");
        text.AppendLine();
        text.AppendLine($"![MNIST test error per seed]({errorPlot})");
        return text.ToString();
    }

    public static string Sentiment(ExperimentSettings settings, SentimentExperiment.Result sentiment, string headPlot, string variantPlot)
    {
        var text = new StringBuilder();
        text.Append(Line($"**Sentiment** ({sentiment.Sentences:N0} UCI sentences, one fixed shuffle, seed {SentimentCorpus.SplitSeed}: " +
            $"{sentiment.Train:N0} train / {sentiment.Validation:N0} validation / {sentiment.Test:N0} test): all-MiniLM-L6-v2 embeddings (mean pooled, " +
            $"normalized, 384) computed once per model, then an MLP head 1 × {settings.SentimentHiddenLayers[0]}, Adam {settings.SentimentLearningRate:0e0}, " +
            $"batch {settings.SentimentBatchSize}, {settings.SentimentEpochs} epochs (weights of the lowest validation loss kept), " +
            $"{settings.SentimentSeeds} seeds. {sentiment.Seconds / 60:F1} minutes including the embeddings."));
        text.AppendLine();
        text.AppendLine("Head activation on the original embeddings:");
        text.AppendLine();
        text.AppendLine("| head activation | runs | median test accuracy | IQR | min – max |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var group in sentiment.HeadsByActivation.GroupBy(r => r.Activation))
        {
            var accuracy = Summary.Of(group.Select(r => (1 - r.TestError) * 100));
            text.Append(Line($"| {group.Key} | {Runs([.. group])} | **{accuracy.Median:F2} %** | {accuracy.Q1:F2} – {accuracy.Q3:F2} | {accuracy.Min:F2} – {accuracy.Max:F2} |"));
        }

        text.AppendLine();
        text.AppendLine($"![Sentiment head accuracy per seed]({headPlot})");
        text.AppendLine();
        text.Append(Line($"**MiniLM with its GELUs rewritten** (same sentences; cosine of each sentence's embedding to the original's; for " +
            $"{sentiment.Queries} query sentences the overlap of the top-{sentiment.NeighbourCount} neighbours and the Spearman correlation of the " +
            $"similarity ranking of all other sentences, averaged; " +
            $"a GELU head trained on each variant's embeddings; throughput is measured separately, below):"));
        text.AppendLine();
        text.AppendLine("| model | rewrite | mean cosine | min cosine | top-10 overlap | Spearman | GELU head: median accuracy (min – max, runs) |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var v in sentiment.Variants)
        {
            var accuracy = Summary.Of(v.Heads.Select(r => (1 - r.TestError) * 100));
            text.Append(Line($"| {v.Variant} | {v.Rewrite} | {v.MeanCosine:F6} | {v.MinCosine:F6} | {v.TopOverlap * 100:F1} % | {v.MeanSpearman:F4} | " +
                $"**{accuracy.Median:F2} %** ({accuracy.Min:F2} – {accuracy.Max:F2}, {accuracy.Count}) |"));
        }

        text.AppendLine();
        text.AppendLine($"![Sentiment accuracy per MiniLM variant]({variantPlot})");
        return text.ToString();
    }

    public static string Throughput(ThroughputExperiment.Result throughput)
    {
        var text = new StringBuilder();
        text.Append(Line($"**Embedding throughput** of each MiniLM variant on the CPU (ONNX Runtime, all cores, graph optimizations on, " +
            $"length-sorted batches): {throughput.Sentences:N0} sentences per pass, {throughput.Rounds} interleaved rounds (each round times every " +
            $"variant once, in rotated order, so load from other processes spreads over all of them); median and range of sentences/s."));
        text.AppendLine();
        text.AppendLine("| model | median sentences/s | min – max | relative to original |");
        text.AppendLine("|---|---|---|---|");
        double baseline = Summary.MedianOf(throughput.Variants[0].SentencesPerSecond);
        foreach (var v in throughput.Variants)
        {
            var rate = Summary.Of(v.SentencesPerSecond);
            text.Append(Line($"| {v.Variant} | **{rate.Median:F0}** | {rate.Min:F0} – {rate.Max:F0} | {rate.Median / baseline:F2} × |"));
        }

        return text.ToString();
    }

    public static string Int8(Int8Experiment.Result int8)
    {
        var text = new StringBuilder();
        if (int8.SpeedOnly)
        {
            text.Append(Line($"**Int8 speed** (all-MiniLM-L6-v2, {int8.TimedSentences:N0} UCI sentences per pass, {Int8Experiment.Threads} intra-op threads, " +
                $"spinning off, length-sorted batches of at most 1,024 tokens, tokenization included; {int8.Rounds} interleaved rounds, each timing every " +
                $"variant once in rotated order; the ratio to float32 is taken within each round, then the median over rounds; the cosines are of these " +
                $"sentences only). {int8.Seconds / 60:F1} minutes."));
        }
        else
        {
            text.Append(Line($"**Int8 recipes** ({int8.Sentences:N0} UCI sentences embedded by each model and recipe; {Int8Experiment.Threads} intra-op threads, " +
            $"spinning off, length-sorted batches of at most 1,024 tokens; cosine of each sentence's embedding to the float32 model's; top-{int8.NeighbourCount} " +
            $"neighbour overlap and Spearman over {int8.Queries} query sentences; {int8.HeadSeeds} GELU sentiment heads trained on the float32 embeddings " +
            $"(as the sentiment experiment trains them) and scored on each recipe's test embeddings; smoothing \"real\" calibrated on the first " +
            $"{int8.CalibrationSentences} sentences of the training split. Speed: {int8.TimedSentences:N0} sentences per pass, {int8.Rounds} interleaved " +
            $"rounds (each round times every variant once, rotated); the ratio to float32 is taken within each round, then the median over rounds. " +
            $"The raw loop agrees with the library's float32 embeddings to a lowest cosine of {int8.RawLoopMinCosine:F6}. {int8.Seconds / 60:F1} minutes."));
        }

        text.AppendLine();
        text.AppendLine("| model | recipe | MatMuls int8 / kept | ONNX Runtime runs (after its fusions) | MB | speed vs float32 (range) | vs raw fp32 loop | " +
            "mean cosine | min cosine | top-10 overlap | Spearman | head accuracy, median (min – max) |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var row in int8.Rows)
        {
            var speed = Summary.Of(row.SpeedVsFloat);
            string vsRaw = row.SpeedVsRaw.Count == 0 ? "-" : string.Create(Invariant, $"{Summary.MedianOf(row.SpeedVsRaw):F2} ×");
            var head = Summary.Of(row.HeadAccuracy);
            string accuracy = head.Count == 0 ? "-" : string.Create(Invariant, $"{head.Median:F2} % ({head.Min:F2} – {head.Max:F2})");
            string cosine = double.IsNaN(row.MeanCosine) ? "-" : row.MeanCosine.ToString("F5", Invariant);
            string lowest = double.IsNaN(row.MinCosine) ? "-" : row.MinCosine.ToString("F5", Invariant);
            string name = row.Recipe == Int8Recipes.Default.Name ? $"**{row.Recipe}**" : row.Recipe;
            text.Append(Line($"| {row.Model} | {name} | {(row.Quantized + row.Kept == 0 ? "-" : $"{row.Quantized} / {row.Kept}")} | {row.OrtGraph} | {row.Megabytes:F1} | " +
                $"**{speed.Median:F2} ×** ({speed.Min:F2} – {speed.Max:F2}) | {vsRaw} | {cosine} | {lowest} | " +
                $"{(double.IsNaN(row.TopOverlap) ? "-" : $"{row.TopOverlap * 100:F1} %")} | {(double.IsNaN(row.MeanSpearman) ? "-" : row.MeanSpearman.ToString("F4", Invariant))} | {accuracy} |"));
        }

        text.AppendLine();
        text.AppendLine("Recipes:");
        text.AppendLine();
        foreach (var recipe in int8.Rows.Where(r => r.Model == int8.Rows[0].Model))
        {
            text.AppendLine($"- {recipe.Recipe}: {recipe.Description}.");
        }

        return text.ToString();
    }

    private static string Runs(IReadOnlyList<ClassifierRun> runs)
    {
        int diverged = runs.Count(r => r.Diverged);
        return diverged == 0 ? runs.Count.ToString(Invariant) : $"{runs.Count} ({diverged} diverged)";
    }

    private static string Line(string line) => line + Environment.NewLine;
}

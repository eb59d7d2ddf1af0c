using ActivationExperiments.Experiments;

namespace ActivationExperiments.Reporting;

/// <summary>Turns one experiment's results into its plots, its region of docs/experiments.md and its results file.</summary>
internal sealed class ReportWriter(string root)
{
    private readonly string _docs = Directory.CreateDirectory(Path.Combine(root, "docs")).FullName;

    /// <summary>Writes everything for <paramref name="contents"/>; returns the markdown it put in the document.</summary>
    public string Publish(ResultsFile.Contents contents, bool writeResults)
    {
        var settings = contents.Mode switch
        {
            "full" => ExperimentSettings.Full,
            "smoke" => ExperimentSettings.Smoke,
            _ => ExperimentSettings.Quick,
        };
        string mode = contents.Mode;
        string Plot(string name) => $"experiments-{mode}-{name}.png";
        string PlotPath(string name) => Path.Combine(_docs, Plot(name));

        var markdown = new System.Text.StringBuilder(MarkdownReport.Header(contents.Command, contents.StartedUtc, contents.Seconds, contents.ProcessorCount));
        markdown.AppendLine();
        if (contents.Mnist is { } mnist)
        {
            Plots.MnistLoss(mnist, PlotPath("mnist-loss"), mode);
            Plots.Dots(
                [.. Enum.GetValues<MLNet.Gelu.Activation>().Select(a => (a.ToString(),
                    (IReadOnlyList<double>)[.. mnist.Runs.Where(r => r.Activation == a && r.LearningRate == mnist.ChosenLearningRate[a]).Select(r => r.TestError * 100)]))],
                $"MNIST test error per seed, chosen learning rate ({mode} run)", "test error (%)", PlotPath("mnist-error"));
            markdown.Append(MarkdownReport.Mnist(settings, mnist, Plot("mnist-loss"), Plot("mnist-error")));
        }

        if (contents.Sentiment is { } sentiment)
        {
            Plots.Dots(
                [.. sentiment.HeadsByActivation.GroupBy(r => r.Activation).Select(g => (g.Key.ToString(), (IReadOnlyList<double>)[.. g.Select(r => (1 - r.TestError) * 100)]))],
                $"Sentiment head on MiniLM embeddings: test accuracy per seed ({mode} run)", "test accuracy (%)", PlotPath("sentiment-heads"));
            Plots.Dots(
                [.. sentiment.Variants.Select(v => (v.Variant, (IReadOnlyList<double>)[.. v.Heads.Select(r => (1 - r.TestError) * 100)]))],
                $"GELU head on each MiniLM variant's embeddings: test accuracy per seed ({mode} run)", "test accuracy (%)", PlotPath("minilm-variants"));
            markdown.Append(MarkdownReport.Sentiment(settings, sentiment, Plot("sentiment-heads"), Plot("minilm-variants")));
        }

        if (contents.Throughput is { } throughput)
        {
            markdown.Append(MarkdownReport.Throughput(throughput));
        }

        if (contents.Int8 is { } int8)
        {
            markdown.Append(MarkdownReport.Int8(int8));
        }

        if (contents.Encoder is { } encoder)
        {
            foreach (var task in encoder.Tasks)
            {
                Plots.Dots(
                    [.. Enum.GetValues<MLNet.Gelu.Activation>().Select(a => (a.ToString(),
                        (IReadOnlyList<double>)[.. task.Runs.Where(r => r.Activation == a && r.LearningRate == task.ChosenLearningRate[a]).Select(r => (1 - r.TestError) * 100)]))],
                    $"Encoder from scratch, {task.Name}: test accuracy per seed, chosen learning rate ({mode} run)", "test accuracy (%)",
                    PlotPath(EncoderPlotName(task.Name)));
            }

            markdown.Append(MarkdownReport.Encoder(settings, encoder, [.. encoder.Tasks.Select(t => Plot(EncoderPlotName(t.Name)))]));
        }

        if (contents.FineTune is { } fineTune)
        {
            Plots.Dots(
                [.. fineTune.Runs.GroupBy(r => r.Variant).Select(g => (g.Key, (IReadOnlyList<double>)[.. g.Select(r => r.Accuracy * 100)]))],
                $"MiniLM fine-tuned with each activation: test accuracy per seed ({mode} run)", "test accuracy (%)", PlotPath("finetune"));
            markdown.Append(MarkdownReport.FineTune(fineTune, Plot("finetune")));
        }

        if (writeResults)
        {
            ResultsFile.Write(Path.Combine(root, "samples", "ActivationExperiments", "results", $"{mode}-{contents.Experiment}.json"), contents);
        }

        DocumentRegion.Replace(Path.Combine(_docs, "experiments.md"), $"{mode}:{contents.Experiment}", markdown.ToString());
        return markdown.ToString();
    }

    private static string EncoderPlotName(string task) => "encoder-" + task.Replace(' ', '-');
}

using System.Text;
using ActivationExperiments.Experiments;
using ActivationExperiments.Statistics;
using MLNet.Gelu;

namespace ActivationExperiments.Reporting;

/// <summary>The tables of the encoders trained from scratch and of MiniLM fine-tuned per activation.</summary>
internal static partial class MarkdownReport
{
    public static string Encoder(ExperimentSettings settings, EncoderExperiment.Result encoder, IReadOnlyList<string> plots)
    {
        var text = new StringBuilder();
        text.Append(Line($"**Encoders trained from scratch** ({encoder.Shape}; {encoder.Parameters:N0} parameters besides the token embeddings), " +
            $"AdamW (weight decay 0.01, 10 % warm-up then linear decay, gradient norm clipped to 1), batch {EncoderRun.BatchSize}, " +
            $"{settings.EncoderEpochs} epochs (the weights of the epoch with the lowest validation loss are scored), {settings.EncoderSeeds} seeds per " +
            $"activation and learning rate; the peak learning rate chosen per activation from " +
            $"{{{string.Join(", ", settings.EncoderLearningRates.Select(r => r.ToString("0e0", Invariant)))}}} by the median validation error. " +
            $"{encoder.Tasks.Sum(t => t.Runs.Count)} runs, {encoder.Seconds / 60:F1} minutes."));
        for (int t = 0; t < encoder.Tasks.Count; t++)
        {
            var task = encoder.Tasks[t];
            text.AppendLine();
            text.Append(Line($"*{task.Name}* ({task.Train:N0} train / {task.Validation:N0} validation / {task.Test:N0} test sequences, " +
                $"vocabulary {task.VocabularySize:N0}, at most {task.MaxLength} tokens; " +
                $"the majority class is {task.MajorityShare * 100:F2} % of the test set):"));
            text.AppendLine();
            text.AppendLine("| activation | lr | runs | median test accuracy | IQR | min – max | median validation accuracy | other lr: median test accuracy |");
            text.AppendLine("|---|---|---|---|---|---|---|---|");
            foreach (var activation in Enum.GetValues<Activation>())
            {
                double chosen = task.ChosenLearningRate[activation];
                var runs = task.Runs.Where(r => r.Activation == activation && r.LearningRate == chosen).ToList();
                var accuracy = Summary.Of(runs.Select(r => (1 - r.TestError) * 100));
                double validation = Summary.MedianOf(runs.Select(r => (1 - r.ValidationError) * 100));
                var others = task.Runs.Where(r => r.Activation == activation && r.LearningRate != chosen).GroupBy(r => r.LearningRate)
                    .Select(g => string.Create(Invariant, $"{Summary.MedianOf(g.Select(r => (1 - r.TestError) * 100)):F2} % (lr {g.Key:0e0})"));
                text.Append(Line($"| {activation} | {chosen:0e0} | {Runs(runs)} | **{accuracy.Median:F2} %** | {accuracy.Q1:F2} – {accuracy.Q3:F2} | " +
                    $"{accuracy.Min:F2} – {accuracy.Max:F2} | {validation:F2} % | {string.Join("; ", others)} |"));
            }

            text.AppendLine();
            text.AppendLine($"![Encoder from scratch, {task.Name}: test accuracy per seed]({plots[t]})");
        }

        return text.ToString();
    }

    public static string FineTune(FineTuneExperiment.Result fineTune, string plot)
    {
        var text = new StringBuilder();
        text.Append(Line($"**MiniLM fine-tuned with each activation** (binary BertClassifier, default options, {fineTune.Epochs} epochs; " +
            $"{fineTune.Train:N0} train / {fineTune.Test:N0} test sentences; the activation swapped in before fine-tuning; {fineTune.Runs.Count} runs, " +
            $"{fineTune.Seconds / 60:F1} minutes):"));
        text.AppendLine();
        text.AppendLine("| activation | runs | median test accuracy | IQR | min – max | median AUC |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var group in fineTune.Runs.GroupBy(r => r.Variant))
        {
            var accuracy = Summary.Of(group.Select(r => r.Accuracy * 100));
            text.Append(Line($"| {group.Key} | {accuracy.Count} | **{accuracy.Median:F2} %** | {accuracy.Q1:F2} – {accuracy.Q3:F2} | " +
                $"{accuracy.Min:F2} – {accuracy.Max:F2} | {Summary.MedianOf(group.Select(r => r.Auc)):F4} |"));
        }

        text.AppendLine();
        text.AppendLine($"![MiniLM fine-tuned with each activation: test accuracy per seed]({plot})");
        return text.ToString();
    }
}

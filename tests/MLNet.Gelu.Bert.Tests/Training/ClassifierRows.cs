namespace MLNet.Gelu.Bert.Tests.Training;

/// <summary>The rows, predictions and progress sink the BERT classifier tests train and score with.</summary>
internal static class ClassifierRows
{
    /// <summary>Twelve short sentences on three topics (sport, food, weather), four each.</summary>
    public static Topic[] Topics()
    {
        string[] labels = ["sport", "food", "weather"];
        string[][] texts =
        [
            ["the team won the match", "a great goal in the final", "the runner broke the record", "she scored twice tonight"],
            ["the soup was too salty", "fresh bread and cheese", "we cooked pasta for dinner", "this cake tastes sweet"],
            ["it will rain tomorrow", "a cold and windy morning", "sunny skies all week", "snow fell over the hills"],
        ];
        return [.. texts.SelectMany((group, k) => group.Select(t => new Topic { Text = t, Label = labels[k] }))];
    }

    /// <summary>A labelled text for binary classification.</summary>
    internal sealed class Row
    {
        public string Text { get; set; } = string.Empty;

        public bool Label { get; set; }
    }

    /// <summary>A text with a string label (made a key by <c>MapValueToKey</c>).</summary>
    internal sealed class Topic
    {
        public string Text { get; set; } = string.Empty;

        public string Label { get; set; } = string.Empty;
    }

    internal sealed class TopicPrediction
    {
        public string PredictedLabel { get; set; } = string.Empty;

        public float[] Score { get; set; } = [];
    }

    internal sealed class BinaryPrediction
    {
        public bool PredictedLabel { get; set; }

        public float Score { get; set; }
    }

    /// <summary>Keeps every progress report and runs <see cref="OnReport"/> on each.</summary>
    internal sealed class Steps : IProgress<BertClassifierProgress>
    {
        public List<BertClassifierProgress> Reports { get; } = [];

        public Action<BertClassifierProgress>? OnReport { get; init; }

        public void Report(BertClassifierProgress value)
        {
            Reports.Add(value);
            OnReport?.Invoke(value);
        }
    }
}

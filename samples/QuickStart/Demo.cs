using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu;
using MLNet.Gelu.Bert;

namespace QuickStart;

/// <summary>The quick start: BERT embeddings in an ML.NET pipeline, then the same model with other activations.</summary>
public static class Demo
{
    /// <summary>Runs the demo, writing to <paramref name="output"/>.</summary>
    /// <param name="output">Where to print.</param>
    /// <param name="settings">How much work to do.</param>
    public static void Run(TextWriter output, DemoSettings settings)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(settings);
        var ml = new MLContext(seed: 0);
        var pairs = ml.Data.LoadFromEnumerable(Sentences.Pairs.Select(t => new TextRow { Text = t }));

        // 1. Embed a handful of sentences with the embedded all-MiniLM-L6-v2 and compare them.
        output.WriteLine("all-MiniLM-L6-v2 (embedded), mean pooling, L2-normalized; cosine similarity:");
        float[][] exact;
        using (var model = ml.Transforms.ScoreBert("Embedding", "Text", Options(settings, activation: null)).Fit(pairs))
        {
            exact = Embed(ml, model, pairs);
            PrintMatrix(output, exact);
        }

        // 2. Swap the activation graph and measure drift and speed on varied sentences.
        var texts = Sentences.Varied(settings.SpeedSentences);
        var data = ml.Data.LoadFromEnumerable(texts.Select(t => new TextRow { Text = t }));
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Activation swap on {texts.Count} sentences (cosine to the original model's embeddings; speed through the ML.NET pipeline):"));
        output.WriteLine("  activation    mean cos   min cos    sentences/s");
        float[][]? reference = null;
        foreach (var activation in new Activation?[] { null, Activation.GeluTanh, Activation.GeluSigmoid, Activation.Relu })
        {
            using var model = ml.Transforms.ScoreBert("Embedding", "Text", Options(settings, activation)).Fit(data);
            Embed(ml, model, pairs); // warm up the session
            var watch = Stopwatch.StartNew();
            var vectors = Embed(ml, model, data);
            var rate = texts.Count / watch.Elapsed.TotalSeconds;
            reference ??= vectors;
            var cosines = vectors.Select((v, i) => Cosine(v, reference[i])).ToArray();
            var name = activation?.ToString() ?? "Gelu (model)";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-12}  {cosines.Average(),8:F6}  {cosines.Min(),8:F6}  {rate,10:F1}"));
        }
    }

    private static BertScoringOptions Options(DemoSettings settings, Activation? activation) => new()
    {
        Activation = activation,
        IntraOpThreads = settings.Threads,
        SessionConfigEntries = new Dictionary<string, string> { ["session.intra_op.allow_spinning"] = "0" },
    };

    private static float[][] Embed(MLContext ml, ITransformer model, IDataView data) =>
        ml.Data.CreateEnumerable<EmbeddingRow>(model.Transform(data), reuseRowObject: false).Select(r => r.Embedding).ToArray();

    private static void PrintMatrix(TextWriter output, float[][] vectors)
    {
        for (var i = 0; i < vectors.Length; i++)
        {
            var row = string.Join(" ", vectors.Select(v => Cosine(vectors[i], v).ToString("F2", CultureInfo.InvariantCulture).PadLeft(5)));
            output.WriteLine($"  {row}   {Sentences.Pairs[i]}");
        }
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }

    private sealed class TextRow
    {
        public string Text { get; set; } = string.Empty;
    }

    private sealed class EmbeddingRow
    {
        public float[] Embedding { get; set; } = [];
    }
}

using Microsoft.ML;
using MLNet.Gelu.Bert.Tests.Support;
using MLNet.Gelu.Bert.Training;
using MLNet.Gelu.Encoder;
using Xunit.Abstractions;

namespace MLNet.Gelu.Bert.Tests.Training;

/// <summary>
/// <see cref="BertClassifierTransformer.ExportEncoder"/> served by the library's ONNX Runtime paths: <see cref="BertEmbedder"/>
/// returns the engine's pooled vectors, and <c>ScoreBert</c> on the <c>logits</c> output returns the logits behind the
/// classifier's scores, each within 1e‑4. The classifiers are small trained encoders over MiniLM's vocabulary (one with a row
/// per WordPiece id, one trained from scratch with rows for its training pieces only), so the whole text path (tokenizer,
/// truncation, batching with padding) is the real one.
/// </summary>
public class BertClassifierExportTests(ITestOutputHelper output)
{
    private const int MaxTokens = 16;

    private static readonly string[] Texts =
    [
        "The movie was surprisingly good.",
        "Terrible battery life.",
        "I would not buy this phone again, although the camera is excellent and the screen is bright enough outdoors.",
        "ok",
        string.Empty,
    ];

    private sealed class Row
    {
        public string Text { get; set; } = string.Empty;
    }

    [Fact]
    public void Exported_encoder_serves_the_engine_embeddings_and_logits()
    {
        var ml = new MLContext(seed: 1);
        var weights = ExportedEncoders.Trained(Activation.Gelu, EncoderNormPlacement.PostLayerNorm, EncoderPooling.Mean, vocabulary: MiniLm.Model.Vocabulary.Tokens.Count, classes: 2);
        var tokenizer = new BertTextTokenizer(MiniLm.Model.Vocabulary, lowerCase: true, MaxTokens);
        var classifier = new BertClassifierTransformer(weights, tokenizer, lowerCase: true, "Text", null, PredictionHeads.Binary(ml), threads: 1);

        AssertServedLikeTheEngine(ml, classifier, BertPooling.Mean);
    }

    /// <summary>An encoder trained from scratch has embedding rows only for the pieces of its training texts; its export takes
    /// the tokenizer's WordPiece ids (its table has a row per vocabulary id, unseen pieces holding [UNK]'s row), so served
    /// texts with unseen words score as in the classifier.</summary>
    [Fact]
    public void Encoder_trained_from_scratch_exports_for_the_whole_vocabulary_and_serves_the_engine_embeddings_and_logits()
    {
        var ml = new MLContext(seed: 1);
        var rows = new[]
        {
            new ClassifierRows.Row { Text = "The movie was good.", Label = true }, new ClassifierRows.Row { Text = "A bad phone.", Label = false },
            new ClassifierRows.Row { Text = "Good battery.", Label = true }, new ClassifierRows.Row { Text = "Bad screen, bad camera.", Label = false },
        };
        var classifier = ml.BinaryClassification.Trainers.BertClassifier(new BertClassifierOptions
        {
            FromScratch = new BertEncoderShape { HiddenSize = 16, Heads = 4, FeedForwardSize = 32 },
            Pooling = BertPooling.Cls, MaxTokens = MaxTokens, Epochs = 8, BatchSize = 2, LearningRate = 1e-2, Seed = 3, Threads = 1,
        }).Fit(ml.Data.LoadFromEnumerable(rows));
        var mapping = classifier.Rows!;
        Assert.Equal(classifier.Weights.Configuration.VocabularySize, mapping.Count);
        Assert.True(mapping.Count < 30, $"{mapping.Count} embedding rows for four short sentences");
        var (surprising, _) = BertClassifierTexts.Encode(classifier.Tokenizer, Texts[0], null);
        Assert.Contains(surprising, id => id != MiniLm.Model.Vocabulary.UnkId && mapping.RowOf(id) == mapping.RowOf(MiniLm.Model.Vocabulary.UnkId));

        AssertServedLikeTheEngine(ml, classifier, BertPooling.Cls);

        // The export is an ordinary BERT over the whole vocabulary: read back (as fine-tuning it would), its token table is
        // the expanded one and every other parameter is the classifier's.
        var c = classifier.Weights.Configuration;
        var read = OnnxEncoderReader.Read(classifier.ExportEncoder().OnnxBytes, c.Classes, c.Pooling, c.HiddenDropout, c.AttentionDropout, withHead: true);
        Assert.Equal(c with { VocabularySize = MiniLm.Model.Vocabulary.Tokens.Count }, read.Configuration);
        Assert.Equal(mapping.Expand(classifier.Weights.WordEmbeddings), read.WordEmbeddings.Values);
        for (int t = 1; t < read.All.Count; t++)
        {
            Assert.Equal(classifier.Weights.All[t].Values, read.All[t].Values);
        }
    }

    /// <summary>BertEmbedder and ScoreBert on <see cref="BertClassifierTransformer.ExportEncoder"/> against the engine's pooled
    /// vectors and logits and the classifier's scores, each within 1e‑4; <see cref="BertClassifierTransformer.SaveEncoder"/>
    /// writes the same model and the whole vocabulary.</summary>
    private void AssertServedLikeTheEngine(MLContext ml, BertClassifierTransformer classifier, BertPooling pooling)
    {
        var weights = classifier.Weights;
        var tokenizer = classifier.Tokenizer;
        var exported = classifier.ExportEncoder();

        Assert.Equal((pooling, MaxTokens, true, true), (exported.Settings.Pooling, exported.Settings.MaxTokens, exported.Settings.LowerCase, exported.Settings.Normalize));
        Assert.Equal(weights.Configuration.Hidden, exported.HiddenSize);
        Assert.Equal(MiniLm.Model.Vocabulary.Tokens, exported.Vocabulary.Tokens);

        var network = new EncoderNetwork(weights, 1, MaxTokens, threads: 1);
        var pooled = new List<float[]>();
        var logits = new List<float[]>();
        foreach (var text in Texts)
        {
            var (ids, types) = BertClassifierTexts.Encode(tokenizer, text, null);
            classifier.Rows?.MapInPlace(ids);
            var random = new RandomSource(1);
            network.Forward(new EncoderBatch(1, ids.Length, ids, types, [ids.Length], null), training: false, ref random);
            pooled.Add(network.Pooled.ToArray());
            logits.Add(network.Logits.ToArray());
        }

        using (var embedder = new BertEmbedder(exported.WithSettings(exported.Settings with { Normalize = false }), MiniLm.Options))
        {
            var vectors = embedder.Embed(Texts);
            double worst = Texts.Select((_, i) => Vectors.MaxAbsDifference(pooled[i], vectors[i])).Max();
            output.WriteLine($"BertEmbedder on the export vs engine pooled vectors: max difference {worst:g3}");
            Assert.True(worst <= 1e-4, $"Embeddings differ from the engine's pooled vectors by up to {worst:g3}.");
        }

        var data = ml.Data.LoadFromEnumerable(Texts.Select(t => new Row { Text = t }));
        var logitsModel = exported.WithSettings(exported.Settings with { OutputName = EncoderOnnxExporter.Logits, Normalize = false });
        using var scorer = ml.Transforms.ScoreBert("Logits", "Text", logitsModel).Fit(data);
        var served = ml.Data.CreateEnumerable<Scored>(scorer.Transform(data), reuseRowObject: false).Select(r => r.Logits).ToArray();
        var scores = ml.Data.CreateEnumerable<Classified>(classifier.Transform(data), reuseRowObject: false).Select(r => r.Score).ToArray();
        double worstLogit = Texts.Select((_, i) => Vectors.MaxAbsDifference(logits[i], served[i])).Max();
        double worstScore = Texts.Select((_, i) => Math.Abs(scores[i] - (served[i][1] - served[i][0]))).Max();
        output.WriteLine($"ScoreBert logits vs engine logits: {worstLogit:g3}; vs the classifier's scores (z1 − z0): {worstScore:g3}; " +
            $"largest logit {logits.Max(l => l.Max(Math.Abs)):g3}");
        Assert.True(worstLogit <= 1e-4, $"Served logits differ from the engine's by up to {worstLogit:g3}.");
        Assert.True(worstScore <= 1e-4, $"Served logits differ from the classifier's scores by up to {worstScore:g3}.");

        using var folder = new TempDirectory();
        string onnxPath = Path.Combine(folder.Path, "classifier.onnx"), vocabularyPath = Path.Combine(folder.Path, "vocab.txt");
        classifier.SaveEncoder(onnxPath, vocabularyPath);
        var saved = BertModel.FromFiles(onnxPath, vocabularyPath, exported.Settings);
        Assert.True(saved.OnnxModel.Span.SequenceEqual(exported.OnnxModel.Span), "The saved ONNX file differs from ExportEncoder's model.");
        Assert.Equal(MiniLm.Model.Vocabulary.Tokens, saved.Vocabulary.Tokens);
    }

    private sealed class Scored
    {
        public float[] Logits { get; set; } = [];
    }

    private sealed class Classified
    {
        public float Score { get; set; }
    }
}

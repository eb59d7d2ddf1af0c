using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNet.Gelu.Bert.Tests.Support;

namespace MLNet.Gelu.Bert.Tests.Transforms;

public class ScoringOptionTests
{
    private static readonly string[] Sentences =
    [
        "A man is playing a guitar.", "The cat is sleeping on the sofa.", "Stock markets fell sharply today.",
        "I would not recommend this phone to anyone.", "What a wonderful evening by the sea!",
    ];

    [Fact]
    public void Activation_rewrite_GeluTanh_stays_within_cosine_0_9999_and_Relu_moves_the_embeddings()
    {
        var exact = MiniLm.Embedder.Embed(Sentences);
        using (var tanh = Scoring.Ml.Transforms.ScoreBert("Embedding", "Text", Scoring.Options with { Activation = Activation.GeluTanh }).Fit(Scoring.Texts("x")))
        {
            Assert.Equal(6, tanh.Rewrite!.Rewritten.Count);
            var (vectors, _) = Scoring.Read(tanh.Transform(Scoring.Texts(Sentences)));
            for (var i = 0; i < Sentences.Length; i++)
            {
                Assert.True(Vectors.Cosine(exact[i], vectors[i]) >= 0.9999, $"{Sentences[i]}: {Vectors.Cosine(exact[i], vectors[i])}");
            }
        }

        using var relu = Scoring.Ml.Transforms.ScoreBert("Embedding", "Text", Scoring.Options with { Activation = Activation.Relu }).Fit(Scoring.Texts("x"));
        var (reluVectors, _) = Scoring.Read(relu.Transform(Scoring.Texts(Sentences)));
        Assert.All(Enumerable.Range(0, Sentences.Length), i => Assert.True(Vectors.Cosine(exact[i], reluVectors[i]) < 0.99));
    }

    [Fact]
    public void Sentence_pairs_read_the_second_column_and_equal_EmbedPairs()
    {
        (string First, string Second)[] pairs = [("How old are you?", "I am six years old."), ("Is it raining?", ""), ("a", "b c d e f g")];
        var data = Scoring.Ml.Data.LoadFromEnumerable(pairs.Select(p => new PairRow { Text = p.First, Other = p.Second }));
        using var transformer = Scoring.Ml.Transforms.ScoreBert("Embedding", "Text", Scoring.Options with { SecondInputColumnName = "Other", WindowSize = 2 }).Fit(data);
        var (vectors, _) = Scoring.Read(transformer.Transform(data));
        var expected = MiniLm.Embedder.EmbedPairs(pairs.Select(p => ((string?)p.First, (string?)p.Second)).ToArray());
        for (var i = 0; i < pairs.Length; i++)
        {
            Assert.True(Vectors.MaxAbsDifference(expected[i], vectors[i]) < 1e-5f, $"pair {i}");
        }

        var missing = Scoring.Ml.Transforms.ScoreBert("Embedding", "Text", Scoring.Options with { SecondInputColumnName = "Nope" });
        MLNet.Gelu.Tests.TestSupport.TransformerChecks.CheckRejects(missing, null, data, "Nope", "not found");
        var same = Scoring.Ml.Transforms.ScoreBert("Embedding", "Text", Scoring.Options with { SecondInputColumnName = "Other" });
        MLNet.Gelu.Tests.TestSupport.TransformerChecks.CheckRejects(same, transformer, Scoring.Texts("x"), "Other", "not found");
    }

    [Fact]
    public void Truncated_and_token_count_columns_count_dropped_and_read_tokens_and_chunking_drops_none()
    {
        var longText = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", 40));
        string[] texts = ["short", longText];
        var (_, dropped) = Scoring.Read(Scoring.SmallWindow.Transform(Scoring.Texts(texts)));
        Assert.Equal(0, dropped[0]);
        Assert.Equal(MiniLm.Embedder.Tokenizer.CountTokens(longText) - 256, dropped[1]);

        using var chunking = Scoring.Ml.Transforms.ScoreBert("Embedding", "Text",
            Scoring.Options with { LongText = BertLongTextMode.Chunk, ChunkOverlap = 16, MaxTokens = 128, TruncatedTokensColumnName = "Dropped", TokenCountColumnName = "Tokens" })
            .Fit(Scoring.Texts("x"));
        var scored = chunking.Transform(Scoring.Texts(texts));
        var (chunked, none) = Scoring.Read(scored);
        Assert.Equal([0, 0], none);

        // Windows of 126 word pieces advancing by 110, each with [CLS] and [SEP].
        int pieces = MiniLm.Embedder.Tokenizer.CountTokens(longText) - 2, read = 0;
        for (var start = 0; ; start += 110)
        {
            var take = Math.Min(126, pieces - start);
            read += take + 2;
            if (start + take >= pieces)
            {
                break;
            }
        }

        var tokens = MLNet.Gelu.Tests.TestSupport.DataViewValues.Read(scored).Select(r => (int)r["Tokens"]!).ToArray();
        Assert.Equal([MiniLm.Embedder.Tokenizer.CountTokens("short"), read], tokens);
        using (var engine = Scoring.Ml.Model.CreatePredictionEngine<Scoring.TextRow, TokensRow>(chunking, new Microsoft.ML.PredictionEngineOptions { OwnsTransformer = false }))
        {
            Assert.Equal(read, engine.Predict(new Scoring.TextRow { Text = longText }).Tokens);
        }

        using var embedder = new BertEmbedder(
            MiniLm.Model.WithSettings(MiniLm.Model.Settings with { MaxTokens = 128 }),
            MiniLm.Options with { LongText = BertLongTextMode.Chunk, ChunkOverlap = 16 });
        Assert.True(Vectors.MaxAbsDifference(embedder.Embed(longText), chunked[1]) < 1e-5f);
    }

    [Fact]
    public void Cuda_on_the_cpu_runtime_fails_at_fit_naming_the_gpu_package()
    {
        var estimator = Scoring.Ml.Transforms.ScoreBert("Embedding", "Text", Scoring.Options with { ExecutionProvider = BertExecutionProvider.Cuda });
        var error = Assert.Throws<ExecutionProviderUnavailableException>(() => estimator.Fit(Scoring.Texts("x")));
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu.Linux", error.Message, StringComparison.Ordinal);
        Assert.Contains("FallbackToCpu", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_execution_provider_is_rejected_naming_the_known_ones()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Scoring.Ml.Transforms.ScoreBert("Embedding", "Text", Scoring.Options with { ExecutionProvider = (BertExecutionProvider)42 }));
        Assert.Contains("Cuda", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fallback_to_cpu_is_logged_to_the_logger_and_scores_on_the_cpu()
    {
        var log = new FakeLogger();
        var ml = new MLContext(seed: 1);
        var context = MlContextLines(ml);
        using var transformer = ml.Transforms.ScoreBert("Embedding", "Text",
            Scoring.Options with { ExecutionProvider = BertExecutionProvider.Cuda, FallbackToCpu = true, Logger = log }).Fit(Scoring.Texts("x"));
        Assert.Equal(BertExecutionProvider.Cpu, transformer.Session.ExecutionProvider);
        var record = Assert.Single(log.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Equal("ExecutionProviderFallback", record.Id.Name);
        Assert.Contains("Cuda", record.Message, StringComparison.Ordinal);
        Assert.Contains("falling back to the CPU", record.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(context, e => e.Message.Contains("falling back", StringComparison.Ordinal));
        var (vectors, _) = Scoring.Read(transformer.Transform(Scoring.Texts("A cat sits on the mat.")));
        Assert.True(Vectors.MaxAbsDifference(MiniLm.Embedder.Embed("A cat sits on the mat."), vectors[0]) < 1e-5f);
    }

    [Fact]
    public void Fallback_to_cpu_without_a_logger_is_a_warning_in_the_ml_context_log()
    {
        var ml = new MLContext(seed: 1);
        var context = MlContextLines(ml);
        using var transformer = ml.Transforms.ScoreBert("Embedding", "Text",
            Scoring.Options with { ExecutionProvider = BertExecutionProvider.Cuda, FallbackToCpu = true }).Fit(Scoring.Texts("x"));
        Assert.Equal(BertExecutionProvider.Cpu, transformer.ExecutionProvider);
        var warning = Assert.Single(context, e => e.Kind == ChannelMessageKind.Warning);
        Assert.StartsWith("ScoreBert", warning.Source, StringComparison.Ordinal);
        Assert.Contains("the Cuda execution provider is not available", warning.Message, StringComparison.Ordinal);
        Assert.Contains("falling back to the CPU", warning.Message, StringComparison.Ordinal);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu.Linux", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_loaded_model_that_falls_back_warns_in_the_loading_contexts_log()
    {
        var saving = new MLContext(seed: 1);
        var data = Scoring.Texts("x");
        using var stream = new MemoryStream();
        using (var transformer = saving.Transforms.ScoreBert("Embedding", "Text",
            new BertScoringOptions { Model = Toy.Model(new BertModelSettings()), ExecutionProvider = BertExecutionProvider.Cuda, FallbackToCpu = true }).Fit(data))
        {
            saving.Model.SaveWithActivations(transformer, data.Schema, stream);
        }

        var loading = new MLContext(seed: 1);
        var context = MlContextLines(loading);
        stream.Position = 0;
        using var restored = Assert.IsType<BertScoringTransformer>(loading.Model.LoadWithActivations(stream, out _));

        Assert.Equal(BertExecutionProvider.Cpu, restored.ExecutionProvider);
        var warning = Assert.Single(context, e => e.Kind == ChannelMessageKind.Warning);
        Assert.Contains("falling back to the CPU", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scoring_on_the_cpu_writes_no_warning_to_the_ml_context_log()
    {
        var ml = new MLContext(seed: 1);
        var context = MlContextLines(ml);
        using var transformer = ml.Transforms.ScoreBert("Embedding", "Text", Scoring.Options with { FallbackToCpu = true }).Fit(Scoring.Texts("x"));
        Assert.Equal(BertExecutionProvider.Cpu, transformer.ExecutionProvider);
        Assert.DoesNotContain(context, e => e.Kind == ChannelMessageKind.Warning);
    }

    /// <summary>Collects what an <see cref="MLContext"/> logs (its event may be raised on several threads).</summary>
    private static List<LoggingEventArgs> MlContextLines(MLContext ml)
    {
        var lines = new List<LoggingEventArgs>();
        ml.Log += (_, e) =>
        {
            lock (lines)
            {
                lines.Add(e);
            }
        };
        return lines;
    }

    [Fact]
    public void Overrides_change_pooling_and_normalization()
    {
        using var transformer = Scoring.Ml.Transforms.ScoreBert("Embedding", "Text",
            Scoring.Options with { Pooling = BertPooling.Cls, Normalize = false }).Fit(Scoring.Texts("x"));
        var (vectors, _) = Scoring.Read(transformer.Transform(Scoring.Texts("A cat sits on the mat.")));
        using var embedder = new BertEmbedder(
            MiniLm.Model.WithSettings(MiniLm.Model.Settings with { Pooling = BertPooling.Cls, Normalize = false }), MiniLm.Options);
        Assert.True(Vectors.MaxAbsDifference(embedder.Embed("A cat sits on the mat."), vectors[0]) < 1e-5f);
        Assert.NotEqual(1.0, Vectors.Norm(vectors[0]), 3);
    }

    public sealed class TokensRow
    {
        public int Tokens { get; set; }
    }

    public sealed class PairRow
    {
        public string Text { get; set; } = string.Empty;

        public string Other { get; set; } = string.Empty;
    }
}

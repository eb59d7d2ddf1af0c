using Microsoft.ML;
using MLNet.Gelu.Bert.Tests.Support;
using MLNet.Gelu.Bert.Tests.Serving;
using MLNet.Gelu.Bert.Tests.Transforms;

namespace MLNet.Gelu.Bert.Tests.Reliability;

/// <summary>
/// Fault injection behind the batcher: the session's run throws on chosen batches (the <c>BeforeRun</c> seam, inside the
/// run's lease, where a failing model throws). A failure fails only the call, pass or prediction whose batch failed, with
/// the injected exception itself; the embedder or transformer stays usable with the same results, no run lease is left
/// behind, and a model saved before or after the failure loads and scores as before. (The generator's failing runs are
/// covered by Serving/FailureTests: requests that shared the run are retried alone.)
/// </summary>
public sealed class FaultInjectionTests
{
    private static readonly string[] Texts = EmbedderDisposeTests.Texts;

    private static readonly Lazy<float[][]> Alone = new(() =>
    {
        using var reference = EmbedderDisposeTests.ToyEmbedder();
        return [.. Texts.Select(t => reference.Embed(t))];
    });

    private static MLContext Ml => Scoring.Ml;

    [Fact]
    public void A_failed_run_fails_that_Embed_call_only_and_the_embedder_stays_right()
    {
        using var embedder = EmbedderDisposeTests.ToyEmbedder();
        for (var failAt = 1; failAt <= 4; failAt++)
        {
            var runs = 0;
            embedder.Session.BeforeRun = (_, _, _) =>
            {
                if (Interlocked.Increment(ref runs) == failAt)
                {
                    throw new InjectedModelFailure($"run {failAt} failed");
                }
            };

            var failure = Assert.Throws<InjectedModelFailure>(() => embedder.Embed(Texts));
            Assert.Equal($"run {failAt} failed", failure.Message);
            Assert.Equal(0, embedder.Session.ActiveRuns);

            embedder.Session.BeforeRun = null;
            AssertAlone(embedder.Embed(Texts));
            Assert.Equal(Alone.Value[3], embedder.Embed(Texts[3]));
        }
    }

    [Fact]
    public void A_failed_run_stops_that_pass_after_the_rows_already_served_and_the_next_pass_is_whole()
    {
        using var transformer = ToyTransformer();
        var data = Scoring.Texts(Texts);
        var runs = 0;
        transformer.Session.BeforeRun = (_, _, _) =>
        {
            if (Interlocked.Increment(ref runs) == 3)
            {
                throw new InjectedModelFailure("the third run failed");
            }
        };

        var served = new List<float[]>();
        var failure = Assert.Throws<InjectedModelFailure>(() =>
        {
            foreach (var row in Ml.Data.CreateEnumerable<Scoring.EmbeddingRow>(transformer.Transform(data), reuseRowObject: false))
            {
                served.Add(row.Embedding);
            }
        });
        Assert.Equal("the third run failed", failure.Message);
        Assert.InRange(served.Count, 1, Texts.Length - 1);
        for (var i = 0; i < served.Count; i++)
        {
            Assert.True(Vectors.MaxAbsDifference(Alone.Value[i], served[i]) <= 1e-5, $"row {i} served before the failure is wrong");
        }

        Assert.Equal(0, transformer.Session.ActiveRuns);
        transformer.Session.BeforeRun = null;
        AssertAlone([.. Ml.Data.CreateEnumerable<Scoring.EmbeddingRow>(transformer.Transform(data), reuseRowObject: false).Select(r => r.Embedding)]);
    }

    [Fact]
    public void Concurrent_prediction_engines_fail_only_the_predictions_whose_run_failed()
    {
        const int Threads = 4, Rounds = 300;
        using var transformer = ToyTransformer();

        // Every run that holds the poisoned text fails, whatever else shares it: the hook looks for the text's token ids
        // among the run's rows (a shared run is padded to its longest row, so the padded length does not tell). Each run
        // lasts a millisecond at least, so that the engines' rows pile up and share runs (the case under test).
        const int Poisoned = 3;
        var tokenized = new BertTokenizedRows();
        transformer.Tokenizer.Tokenize(Texts[Poisoned], null, tokenized);
        var poison = tokenized.InputIds(0).ToArray();
        var poisonedRuns = 0;
        transformer.Session.BeforeRun = (batch, length, ids) =>
        {
            for (var row = 0; row < batch; row++)
            {
                if (length >= poison.Length && ids.Slice(row * length, poison.Length).SequenceEqual(poison))
                {
                    Interlocked.Increment(ref poisonedRuns);
                    throw new InjectedModelFailure("poisoned");
                }
            }

            Thread.Sleep(1);
        };

        // Dedicated threads that start together: thread-pool tasks may run one after another on a loaded machine.
        var failures = new int[Threads];
        var wrong = new List<string>();
        using var start = new Barrier(Threads);
        var workers = Enumerable.Range(0, Threads).Select(w => new Thread(() =>
        {
            start.SignalAndWait();
            using var engine = Ml.Model.CreatePredictionEngine<Scoring.TextRow, Scoring.EmbeddingRow>(
                transformer, new PredictionEngineOptions { OwnsTransformer = false });
            for (var i = 0; i < Rounds; i++)
            {
                var k = (w * 7 + i) % Texts.Length;
                try
                {
                    var embedding = engine.Predict(new Scoring.TextRow { Text = Texts[k] }).Embedding;
                    if (k == Poisoned || Vectors.MaxAbsDifference(Alone.Value[k], embedding) > 1e-5)
                    {
                        lock (wrong)
                        {
                            var like = Enumerable.Range(0, Texts.Length).Where(j => Vectors.MaxAbsDifference(Alone.Value[j], embedding) <= 1e-5).ToArray();
                            wrong.Add($"worker {w}, text {k}: predicted {(k == Poisoned ? "despite the failure" : "wrongly")}, equal to texts [{string.Join(",", like)}]");
                        }
                    }
                }
                catch (InjectedModelFailure) when (k == Poisoned)
                {
                    failures[w]++;
                }
                catch (Exception e)
                {
                    lock (wrong)
                    {
                        wrong.Add($"worker {w}, text {k}: {e.GetType().Name}: {e.Message}");
                    }
                }
            }
        })).ToArray();
        Array.ForEach(workers, t => t.Start());
        Array.ForEach(workers, t => t.Join());

        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
        var expectedFailures = Enumerable.Range(0, Threads).Select(w => Enumerable.Range(0, Rounds).Count(i => (w * 7 + i) % Texts.Length == Poisoned)).ToArray();
        Assert.Equal(expectedFailures, failures);
        Assert.True(poisonedRuns >= expectedFailures.Sum(), $"{poisonedRuns} poisoned runs for {expectedFailures.Sum()} failed predictions");
        Assert.True(transformer.Combiner.LargestRound > 1, "the engines never shared a run");
        Assert.Equal(0, transformer.Session.ActiveRuns);
    }

    [Fact]
    public void A_model_saved_before_or_after_failures_loads_and_scores_as_before()
    {
        using var transformer = ToyTransformer();
        var data = Scoring.Texts(Texts);
        using var before = new MemoryStream();
        Ml.Model.SaveWithActivations(transformer, data.Schema, before);

        transformer.Session.BeforeRun = (_, _, _) => throw new InjectedModelFailure("every run fails");
        Assert.Throws<InjectedModelFailure>(() => Ml.Data.CreateEnumerable<Scoring.EmbeddingRow>(transformer.Transform(data), reuseRowObject: false).ToList());
        using var after = new MemoryStream();
        Ml.Model.SaveWithActivations(transformer, data.Schema, after);
        transformer.Session.BeforeRun = null;

        foreach (var saved in new[] { before, after })
        {
            saved.Position = 0;
            var loaded = Ml.Model.LoadWithActivations(saved, out _);
            try
            {
                AssertAlone([.. Ml.Data.CreateEnumerable<Scoring.EmbeddingRow>(loaded.Transform(data), reuseRowObject: false).Select(r => r.Embedding)]);
            }
            finally
            {
                (loaded as IDisposable)?.Dispose();
            }
        }
    }

    private static BertScoringTransformer ToyTransformer() => TransformerDisposeTests.ToyTransformer();

    private static void AssertAlone(float[][] embeddings)
    {
        Assert.Equal(Texts.Length, embeddings.Length);
        for (var i = 0; i < Texts.Length; i++)
        {
            Assert.True(Vectors.MaxAbsDifference(Alone.Value[i], embeddings[i]) <= 1e-5, $"text {i} ('{Texts[i]}')");
        }
    }
}

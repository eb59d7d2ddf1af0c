using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using MLNet.Gelu.Bert.Tests.Reliability;
using MLNet.Gelu.Bert.Tests.Serving;
using MLNet.Gelu.Bert.Tests.Support;

namespace MLNet.Gelu.Bert.Tests.Transforms;

/// <summary>
/// Prediction engines on several threads over one <see cref="BertScoringTransformer"/> share model runs
/// (<see cref="RowCombiner"/>). Coalescing is made certain by holding the first run inside the session's <c>BeforeRun</c>
/// seam until the other callers have queued; runs are counted through the same seam.
/// </summary>
public class ScoringCombinerTests
{
    private static readonly string[] Texts = EmbedderDisposeTests.Texts;

    /// <summary>Long enough for the toy's 16 tokens to chunk them.</summary>
    private static readonly string[] LongTexts =
    [
        "a b c d e f g h a b c d e f g h a b c d e f g h a", "h g f e d c b a h g f e d c b a h", "bs cs ds es fs gs hs as bs cs ds es fs gs hs",
        "a", "c d e f g h a b c d e f g h a b c d e", "e f",
    ];

    private static readonly (string, string)[] Pairs = [.. EmbedderDisposeTests.Pairs.Where(p => p.Item2 is not null).Select(p => (p.Item1!, p.Item2!))];

    private static MLContext Ml => Scoring.Ml;

    public enum Input
    {
        Single,
        Pairs,
        Chunked,
    }

    /// <summary>
    /// 40 rounds × 6 threads released together at a barrier, each predicting 6 rows on engines taken from one
    /// <see cref="ObjectPool{T}"/>: every embedding equals the row's alone, every row is taken into exactly one round, and
    /// nothing is left queued or leased.
    /// </summary>
    [Theory]
    [InlineData(Input.Single)]
    [InlineData(Input.Pairs)]
    [InlineData(Input.Chunked)]
    public void Pooled_engines_on_many_threads_predict_what_each_row_gets_alone(Input input)
    {
        const int Rounds = 40, Threads = 6, PerThread = 6;
        var (rows, alone) = Rows(input);
        using var transformer = ToyTransformer(input, windowSize: 8);
        var wrong = PredictPooled(transformer, rows, alone, Rounds, Threads, PerThread, (r, w, i) => ((r * 5) + (w * 3) + i) % rows.Length);

        Assert.Empty(wrong);
        Assert.Equal(Rounds * Threads * PerThread, transformer.Combiner.RowsScored);
        Assert.InRange(transformer.Combiner.LargestRound, 1, 8);
        Assert.Equal(0, transformer.Combiner.Queued);
        Assert.Equal(0, transformer.Session.ActiveRuns);
    }

    /// <summary>
    /// 6 callers queue while a first prediction's run is held; released, they are scored by the rounds the window allows
    /// (one round of 6 with a window of 8; 4 then 2 with a window of 4), in fewer model runs than predictions, and each
    /// gets what its row gets alone; every run happens on a caller's thread. Repeated over 10 rounds with fresh callers.
    /// </summary>
    [Theory]
    [InlineData(Input.Single, 8)]
    [InlineData(Input.Single, 4)]
    [InlineData(Input.Pairs, 8)]
    [InlineData(Input.Chunked, 8)]
    public void Callers_queued_behind_a_running_prediction_share_runs(Input input, int windowSize)
    {
        const int Rounds = 10, Callers = 6;
        var (rows, alone) = Rows(input);
        using var transformer = ToyTransformer(input, windowSize);
        var combiner = transformer.Combiner;
        for (var round = 0; round < Rounds; round++)
        {
            using var held = new HeldFirstRun(transformer.Session);
            var roundsBefore = combiner.Rounds;
            var waitsBefore = combiner.Waits;
            var results = new float[Callers + 1][];
            var first = Start(() => results[0] = Predict(transformer, rows[round % rows.Length]));
            held.WaitUntilHeld();
            var callers = Enumerable.Range(1, Callers).Select(c => Start(() => results[c] = Predict(transformer, rows[(round + c) % rows.Length]))).ToArray();
            WaitUntil(() => combiner.Queued == Callers, $"{Callers} callers queued");
            held.Release();
            Join([first, .. callers]);

            for (var c = 0; c <= Callers; c++)
            {
                Assert.Null(DisposeRace.Compare(alone[(round + c) % rows.Length], results[c], $"round {round}, caller {c}"));
            }

            var expectedRounds = 1 + ((Callers + windowSize - 1) / windowSize);
            Assert.Equal(expectedRounds, combiner.Rounds - roundsBefore);
            Assert.Equal(Callers, combiner.Waits - waitsBefore);
            Assert.Equal(Math.Min(Callers, windowSize), combiner.LargestRound);
            var sequences = Enumerable.Range(0, Callers + 1).Sum(c => Sequences(transformer, rows[(round + c) % rows.Length]));
            Assert.True(held.Runs < Callers + 1, $"round {round}: {held.Runs} runs for {Callers + 1} predictions");
            Assert.Equal(sequences, held.RunRows);

            // No thread of the combiner's own: every run happened on a caller's thread.
            Assert.Subset(callers.Append(first).Select(t => t.ManagedThreadId).ToHashSet(), held.Threads.ToHashSet());
        }

        Assert.Equal(0, combiner.Queued);
        Assert.Equal(0, transformer.Session.ActiveRuns);
    }

    /// <summary>
    /// 20 sequential predictions on one thread: each is scored at once on the calling thread, as one run of one row,
    /// without waiting for anybody.
    /// </summary>
    [Fact]
    public void A_lone_caller_scores_at_once_on_its_own_thread_without_waiting()
    {
        var (rows, alone) = Rows(Input.Single);
        using var transformer = ToyTransformer(Input.Single, windowSize: 8);
        var threads = new ConcurrentBag<int>();
        var batches = new ConcurrentBag<int>();
        transformer.Session.BeforeRun = (batch, _, _) =>
        {
            threads.Add(Environment.CurrentManagedThreadId);
            batches.Add(batch);
        };
        using var engine = Ml.Model.CreatePredictionEngine<PairRow, Scoring.EmbeddingRow>(transformer, new PredictionEngineOptions { OwnsTransformer = false });
        for (var i = 0; i < 20; i++)
        {
            Assert.Null(DisposeRace.Compare(alone[i % rows.Length], engine.Predict(rows[i % rows.Length]).Embedding, $"prediction {i}"));
        }

        Assert.Equal(0, transformer.Combiner.Waits);
        Assert.Equal(20, transformer.Combiner.Rounds);
        Assert.Equal(1, transformer.Combiner.LargestRound);
        Assert.Equal(20, threads.Count);
        Assert.All(threads, t => Assert.Equal(Environment.CurrentManagedThreadId, t));
        Assert.All(batches, b => Assert.Equal(1, b));
    }

    /// <summary>
    /// 10 rounds: the poisoned row (every run that holds it fails) queues first, so its caller leads the next round and
    /// its own row fails; 5 more callers queue behind it, in windows of 3. The shared run fails, each row is retried alone:
    /// only the poisoned caller throws (the injected exception), the others get their rows' embeddings, leadership passes
    /// on, and the transformer scores normally afterwards.
    /// </summary>
    [Fact]
    public void A_failed_shared_run_fails_only_the_row_that_fails_alone_and_leadership_passes_on()
    {
        const int Rounds = 10, Others = 5;
        var (rows, alone) = Rows(Input.Single);
        const int Poisoned = 3;
        using var transformer = ToyTransformer(Input.Single, windowSize: 3);
        var combiner = transformer.Combiner;

        // The others are shorter, so every batch that holds the poisoned row is padded to its length, and only those.
        var poisonedLength = TokenLength(transformer, Texts[Poisoned]);
        var shorter = Enumerable.Range(0, Texts.Length).Where(k => TokenLength(transformer, Texts[k]) < poisonedLength).ToArray();
        Assert.True(shorter.Length >= Others, $"{shorter.Length} texts are shorter than the poisoned one");
        for (var round = 0; round < Rounds; round++)
        {
            using var held = new HeldFirstRun(transformer.Session, (_, length) =>
            {
                if (length == poisonedLength)
                {
                    throw new InjectedModelFailure("poisoned");
                }
            });
            var results = new float[Others + 2][];
            Exception? poisonedFailure = null;
            var first = Start(() => results[0] = Predict(transformer, rows[shorter[0]]));
            held.WaitUntilHeld();
            var poisoned = Start(() => poisonedFailure = Record(() => Predict(transformer, rows[Poisoned])));
            WaitUntil(() => combiner.Queued == 1, "the poisoned caller queued");
            var others = Enumerable.Range(0, Others).Select(c => Start(() => results[c + 2] = Predict(transformer, rows[shorter[(round + c) % shorter.Length]]))).ToArray();
            WaitUntil(() => combiner.Queued == 1 + Others, "every caller queued");
            held.Release();
            Join([first, poisoned, .. others]);

            Assert.Equal("poisoned", Assert.IsType<InjectedModelFailure>(poisonedFailure).Message);
            Assert.Null(DisposeRace.Compare(alone[shorter[0]], results[0], "the first caller"));
            for (var c = 0; c < Others; c++)
            {
                Assert.Null(DisposeRace.Compare(alone[shorter[(round + c) % shorter.Length]], results[c + 2], $"round {round}, caller {c}"));
            }

            Assert.Equal(0, combiner.Queued);
            Assert.Equal(0, transformer.Session.ActiveRuns);
        }

        transformer.Session.BeforeRun = null;
        Assert.Null(DisposeRace.Compare(alone[Poisoned], Predict(transformer, rows[Poisoned]), "the poisoned row after the failures"));
    }

    /// <summary>
    /// 20 rounds: callers queue behind a held run, then the transformer is disposed (the disposing thread does not wait)
    /// and the run released. The held run completes normally; every queued caller gets <see cref="ObjectDisposedException"/>
    /// naming the transformer, nobody hangs, and the session is released once.
    /// </summary>
    [Fact]
    public void Dispose_while_callers_wait_fails_them_with_object_disposed_and_the_held_run_completes()
    {
        const int Rounds = 20, Callers = 5;
        var (rows, alone) = Rows(Input.Single);
        for (var round = 0; round < Rounds; round++)
        {
            var transformer = ToyTransformer(Input.Single, windowSize: 2 + (round % 4));
            using var held = new HeldFirstRun(transformer.Session);
            float[]? firstResult = null;
            var failures = new Exception?[Callers];
            var first = Start(() => firstResult = Predict(transformer, rows[1]));
            held.WaitUntilHeld();
            var callers = Enumerable.Range(0, Callers).Select(c => Start(() => failures[c] = Record(() => Predict(transformer, rows[c])))).ToArray();
            WaitUntil(() => transformer.Combiner.Queued == Callers, "every caller queued");
            transformer.Dispose();
            Assert.False(transformer.Session.IsReleased, "released while a run holds its lease");
            held.Release();
            Join([first, .. callers]);

            Assert.Null(DisposeRace.Compare(alone[1], firstResult, "the held run"));
            Assert.All(failures, f => Assert.Equal(nameof(BertScoringTransformer), Assert.IsType<ObjectDisposedException>(f).ObjectName));
            Assert.Equal(1, transformer.Session.ReleaseCount);
            Assert.Equal(nameof(BertScoringTransformer), Assert.Throws<ObjectDisposedException>(() => Predict(transformer, rows[0])).ObjectName);
            Assert.Equal(0, transformer.Combiner.Queued);
        }
    }

    /// <summary>
    /// MiniLM: 4 callers queue behind a held run and share the next (merged, length-sorted) run; then 3 rounds × 4 pooled
    /// engines released together. Every embedding equals the embedder's for the text alone within 1e‑5.
    /// </summary>
    [Fact]
    public void MiniLM_engines_sharing_runs_predict_what_each_text_gets_alone()
    {
        string[] texts =
        [
            "A cat sits on the mat and looks out of the window at the birds in the garden.", "Stocks fell sharply today.",
            "The quick brown fox jumps over the lazy dog.", "", "What is the meaning of life, the universe and everything?",
        ];
        var alone = texts.Select(t => MiniLm.Embedder.Embed(t)).ToArray();
        using var transformer = Ml.Transforms.ScoreBert("Embedding", "Text", Scoring.Options with { WindowSize = 8 }).Fit(Scoring.Texts("x"));
        var rows = texts.Select(t => new PairRow { Text = t }).ToArray();

        var results = new float[texts.Length][];
        using (var held = new HeldFirstRun(transformer.Session))
        {
            var first = Start(() => results[0] = Predict(transformer, rows[0]));
            held.WaitUntilHeld();
            var callers = Enumerable.Range(1, texts.Length - 1).Select(c => Start(() => results[c] = Predict(transformer, rows[c]))).ToArray();
            WaitUntil(() => transformer.Combiner.Queued == texts.Length - 1, "every caller queued");
            held.Release();
            Join([first, .. callers]);
            Assert.True(held.Runs < texts.Length, $"{held.Runs} runs for {texts.Length} predictions");
        }

        for (var i = 0; i < texts.Length; i++)
        {
            Assert.True(Vectors.MaxAbsDifference(alone[i], results[i]) <= 1e-5, $"text {i} after a shared run");
        }

        var wrong = PredictPooled(transformer, rows, alone, rounds: 3, threads: 4, perThread: 1, (r, w, _) => (r + w) % texts.Length);

        Assert.Empty(wrong);
        Assert.Equal(0, transformer.Session.ActiveRuns);
    }

    /// <summary>
    /// Rounds of <paramref name="threads"/> callers that start together, each predicting <paramref name="perThread"/> rows
    /// (row <c>pick(round, worker, i)</c>) through one pool of engines over <paramref name="transformer"/>; returns what
    /// differed from the row alone.
    /// </summary>
    private static ConcurrentQueue<string> PredictPooled(
        BertScoringTransformer transformer, PairRow[] rows, float[][] alone, int rounds, int threads, int perThread, Func<int, int, int, int> pick)
    {
        var pool = new DefaultObjectPool<PredictionEngine<PairRow, Scoring.EmbeddingRow>>(new EnginePolicy(transformer), threads);
        var wrong = new ConcurrentQueue<string>();
        using var start = new Barrier(threads);
        for (var round = 0; round < rounds; round++)
        {
            var r = round;
            Run(threads, w =>
            {
                start.SignalAndWait();
                for (var i = 0; i < perThread; i++)
                {
                    var k = pick(r, w, i);
                    var engine = pool.Get();
                    try
                    {
                        if (DisposeRace.Compare(alone[k], engine.Predict(rows[k]).Embedding, $"round {r}, worker {w}, row {k}") is { } what)
                        {
                            wrong.Enqueue(what);
                        }
                    }
                    finally
                    {
                        pool.Return(engine);
                    }
                }
            });
        }

        return wrong;
    }

    private static (PairRow[] Rows, float[][] Alone) Rows(Input input)
    {
        using var reference = Toy.Embedder(BertPooling.Mean, normalize: true, options: EmbedderDisposeTests.ToyOptions with
        {
            LongText = input == Input.Chunked ? BertLongTextMode.Chunk : BertLongTextMode.Truncate,
            ChunkOverlap = 2,
        });
        return input switch
        {
            Input.Pairs => ([.. Pairs.Select(p => new PairRow { Text = p.Item1, Second = p.Item2 })], [.. Pairs.Select(p => reference.EmbedPairs([p])[0])]),
            Input.Chunked => ([.. LongTexts.Select(t => new PairRow { Text = t })], [.. LongTexts.Select(t => reference.Embed(t))]),
            _ => ([.. Texts.Select(t => new PairRow { Text = t })], [.. Texts.Select(t => reference.Embed(t))]),
        };
    }

    /// <summary>The toy (mean pooling, normalized, 16 tokens) on one thread, 16 rows per run.</summary>
    private static BertScoringTransformer ToyTransformer(Input input, int windowSize) =>
        Ml.Transforms.ScoreBert("Embedding", "Text", new BertScoringOptions
        {
            Model = Toy.Model(new BertModelSettings { Pooling = BertPooling.Mean, Normalize = true, MaxTokens = 16 }),
            MaxBatchSize = 16,
            IntraOpThreads = 1,
            InterOpThreads = 1,
            SessionConfigEntries = EmbedderDisposeTests.ToyOptions.SessionConfigEntries,
            WindowSize = windowSize,
            SecondInputColumnName = input == Input.Pairs ? "Second" : null,
            LongText = input == Input.Chunked ? BertLongTextMode.Chunk : BertLongTextMode.Truncate,
            ChunkOverlap = 2,
        }).Fit(Ml.Data.LoadFromEnumerable(new[] { new PairRow { Text = "a", Second = "b" } }));

    /// <summary>The model inputs a row becomes (chunks of a long text).</summary>
    private static int Sequences(BertScoringTransformer transformer, PairRow row)
    {
        var tokenized = new BertTokenizedRows();
        transformer.Tokenizer.Tokenize(row.Text, transformer.Options.SecondInputColumnName is null ? null : row.Second, tokenized);
        return tokenized.SequenceCount;
    }

    /// <summary>The tokens of a single text's one model input.</summary>
    private static int TokenLength(BertScoringTransformer transformer, string text)
    {
        var tokenized = new BertTokenizedRows();
        transformer.Tokenizer.Tokenize(text, null, tokenized);
        return tokenized.Length(0);
    }

    /// <summary>Predicts one row on an engine of its own (not owning the transformer).</summary>
    private static float[] Predict(BertScoringTransformer transformer, PairRow row)
    {
        using var engine = Ml.Model.CreatePredictionEngine<PairRow, Scoring.EmbeddingRow>(transformer, new PredictionEngineOptions { OwnsTransformer = false });
        return engine.Predict(row).Embedding;
    }

    private static Exception? Record(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static Thread Start(Action action)
    {
        var thread = new Thread(() => action()) { IsBackground = true };
        thread.Start();
        return thread;
    }

    private static void Join(Thread[] threads)
    {
        foreach (var thread in threads)
        {
            Assert.True(thread.Join(TimeSpan.FromMinutes(1)), "a caller never returned");
        }
    }

    /// <summary>Runs <paramref name="work"/> on <paramref name="threads"/> threads and joins them; rethrows the first failure.</summary>
    private static void Run(int threads, Action<int> work)
    {
        var failures = new ConcurrentQueue<Exception>();
        Join([.. Enumerable.Range(0, threads).Select(w => Start(() =>
        {
            try
            {
                work(w);
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        }))]);
        Assert.Empty(failures);
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails after a minute (a hang guard, not a timing assertion).</summary>
    private static void WaitUntil(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"never: {what}");
            Thread.Sleep(1);
        }
    }

    /// <summary>
    /// Holds the session's first run inside <c>BeforeRun</c> (inside its lease) until <see cref="Release"/>, and counts
    /// every run and its rows; the constructor's <c>then</c> runs in every run after the held one. Clears the seam when disposed.
    /// </summary>
    private sealed class HeldFirstRun : IDisposable
    {
        private readonly BertSession _session;
        private readonly ManualResetEventSlim _held = new(false);
        private readonly ManualResetEventSlim _release = new(false);
        private int _runs;
        private int _runRows;

        public HeldFirstRun(BertSession session, Action<int, int>? then = null)
        {
            _session = session;
            session.BeforeRun = (batch, length, _) =>
            {
                Interlocked.Add(ref _runRows, batch);
                Threads.Add(Environment.CurrentManagedThreadId);
                if (Interlocked.Increment(ref _runs) == 1)
                {
                    _held.Set();
                    Assert.True(_release.Wait(TimeSpan.FromMinutes(1)), "the held run was never released");
                    return;
                }

                then?.Invoke(batch, length);
            };
        }

        /// <summary>The threads the runs ran on.</summary>
        public ConcurrentBag<int> Threads { get; } = [];

        /// <summary>Runs that reached the seam.</summary>
        public int Runs => Volatile.Read(ref _runs);

        /// <summary>Rows (model inputs) of those runs.</summary>
        public int RunRows => Volatile.Read(ref _runRows);

        public void WaitUntilHeld() => Assert.True(_held.Wait(TimeSpan.FromMinutes(1)), "the first run never started");

        public void Release() => _release.Set();

        public void Dispose()
        {
            _release.Set();
            _session.BeforeRun = null;
            _held.Dispose();
            _release.Dispose();
        }
    }

    public sealed class PairRow
    {
        public string? Text { get; set; }

        public string? Second { get; set; }
    }

    private sealed class EnginePolicy(ITransformer transformer) : IPooledObjectPolicy<PredictionEngine<PairRow, Scoring.EmbeddingRow>>
    {
        public PredictionEngine<PairRow, Scoring.EmbeddingRow> Create() =>
            Ml.Model.CreatePredictionEngine<PairRow, Scoring.EmbeddingRow>(transformer, new PredictionEngineOptions { OwnsTransformer = false });

        public bool Return(PredictionEngine<PairRow, Scoring.EmbeddingRow> obj) => true;
    }
}

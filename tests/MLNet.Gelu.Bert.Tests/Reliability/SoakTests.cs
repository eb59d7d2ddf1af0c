using System.Diagnostics;
using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using MLNet.Gelu.Bert.Tests.Support;
using MLNet.Gelu.Bert.Tests.Transforms;

namespace MLNet.Gelu.Bert.Tests.Reliability;

/// <summary>
/// A soak: 100,000 rows through <c>ScoreBert</c> in one pass, and 100,000 predictions through 8 pooled prediction
/// engines on 8 threads over one transformer. After a warm-up of 40 % of the rows, the managed heap (live bytes after a
/// full collection), the native memory (private bytes minus what the GC has committed, whose gen0 budget moves with the
/// allocation rate; it is reported), the threads outside the .NET thread pool (which grows and shrinks by its own rules;
/// reported) and the open handles must stay within 5 % of the warm-up value at every later tenth, and every row must be
/// the text's embedding alone. CI runs it on the BERT-shaped toy
/// encoder; with the environment variable <c>MLNET_GELU_SOAK=full</c> it runs on all-MiniLM-L6-v2 (a nightly-style run).
/// Runs alone (not beside other tests), so the process-wide counters are its own.
/// </summary>
[Collection(TimingCollection.Name)]
public class SoakTests
{
    private const int Rows = 100_000;
    private const int Checkpoints = 10;
    private const int WarmUp = 4;
    private const double Growth = 1.05;

    private static readonly bool Full = Environment.GetEnvironmentVariable("MLNET_GELU_SOAK") == "full";

    private static readonly string[] Texts =
    [
        .. EmbedderDisposeTests.Texts,
        "a b c d e f g h", "h g f e d c b a a b", "abs", "a\tb\nc", string.Empty, "ccc ddd", "e f g h h h h h h h h h h h h",
    ];

    private static MLContext Ml => Scoring.Ml;

    private static BertModel Model => Full
        ? MiniLm.Model
        : Toy.Model(new BertModelSettings { Pooling = BertPooling.Mean, Normalize = true, MaxTokens = 16 });

    [Fact]
    public void A_pass_of_100000_rows_through_ScoreBert_holds_memory_threads_and_handles_flat()
    {
        var model = Model;
        var alone = Alone(model);
        using var transformer = Ml.Transforms.ScoreBert("Embedding", "Text", Options(model)).Fit(Scoring.Texts("a"));
        var data = Ml.Data.LoadFromEnumerable(Stream(Rows));
        var snapshots = new List<Snapshot>();
        var row = 0;
        foreach (var scored in Ml.Data.CreateEnumerable<Scoring.EmbeddingRow>(transformer.Transform(data), reuseRowObject: true))
        {
            AssertAlone(alone, row, scored.Embedding);
            row++;
            if (row % (Rows / Checkpoints) == 0)
            {
                snapshots.Add(Snapshot.Take());
            }
        }

        Assert.Equal(Rows, row);
        AssertFlat(snapshots);
    }

    [Fact]
    public void Predictions_of_8_pooled_engines_on_8_threads_hold_memory_threads_and_handles_flat()
    {
        const int Threads = 8;
        var model = Model;
        var alone = Alone(model);
        using var transformer = Ml.Transforms.ScoreBert("Embedding", "Text", Options(model)).Fit(Scoring.Texts("a"));
        var pool = new DefaultObjectPool<PredictionEngine<Scoring.TextRow, Scoring.EmbeddingRow>>(new EnginePolicy(transformer), Threads);
        var snapshots = new List<Snapshot>();
        var failures = new List<Exception>();
        using var phase = new Barrier(Threads + 1);
        var perPhase = Rows / Checkpoints / Threads;
        var workers = Enumerable.Range(0, Threads).Select(w => new Thread(() =>
        {
            for (var p = 0; p < Checkpoints; p++)
            {
                try
                {
                    for (var i = 0; i < perPhase; i++)
                    {
                        var k = (p * perPhase * Threads) + (w * perPhase) + i;
                        var engine = pool.Get();
                        try
                        {
                            AssertAlone(alone, k, engine.Predict(new Scoring.TextRow { Text = Texts[k % Texts.Length] }).Embedding);
                        }
                        finally
                        {
                            pool.Return(engine);
                        }
                    }
                }
                catch (Exception e)
                {
                    lock (failures)
                    {
                        failures.Add(e);
                    }
                }

                phase.SignalAndWait();
                phase.SignalAndWait();
            }
        }) { IsBackground = true, Name = $"soak engine {w}" }).ToList();
        workers.ForEach(t => t.Start());
        for (var p = 0; p < Checkpoints; p++)
        {
            Assert.True(phase.SignalAndWait(TimeSpan.FromMinutes(10)), $"phase {p} did not finish");
            snapshots.Add(Snapshot.Take());
            phase.SignalAndWait();
        }

        workers.ForEach(t => t.Join());
        Assert.Empty(failures);
        AssertFlat(snapshots);
    }

    private static BertScoringOptions Options(BertModel model) => new()
    {
        Model = model,
        IntraOpThreads = Full ? 2 : 1,
        InterOpThreads = 1,
        SessionConfigEntries = new Dictionary<string, string> { ["session.intra_op.allow_spinning"] = "0" },
    };

    private static float[][] Alone(BertModel model)
    {
        using var embedder = new BertEmbedder(model, new BertEmbedderOptions { IntraOpThreads = 1 });
        return [.. Texts.Select(t => embedder.Embed(t))];
    }

    private static IEnumerable<Scoring.TextRow> Stream(int rows)
    {
        for (var i = 0; i < rows; i++)
        {
            yield return new Scoring.TextRow { Text = Texts[i % Texts.Length] };
        }
    }

    private static void AssertAlone(float[][] alone, int row, float[] embedding)
    {
        var difference = Vectors.MaxAbsDifference(alone[row % Texts.Length], embedding);
        Assert.True(difference <= 1e-5, $"row {row} ('{Texts[row % Texts.Length]}'): max abs difference {difference}");
    }

    /// <summary>Every snapshot after the warm-up within 5 % of the warm-up's.</summary>
    private static void AssertFlat(List<Snapshot> snapshots)
    {
        Assert.Equal(Checkpoints, snapshots.Count);
        var warm = snapshots[WarmUp - 1];
        var report = string.Join("; ", snapshots.Select((s, i) => $"{(i + 1) * Rows / Checkpoints}: {s}"));
        foreach (var later in snapshots.Skip(WarmUp))
        {
            Assert.True(later.ManagedBytes <= warm.ManagedBytes * Growth, $"managed heap grew: {report}");
            Assert.True(later.NativeBytes <= warm.NativeBytes * Growth, $"native memory grew: {report}");
            Assert.True(later.Threads <= warm.Threads * Growth, $"threads grew: {report}");
            Assert.True(later.Handles <= warm.Handles * Growth, $"handles grew: {report}");
        }
    }

    private sealed class EnginePolicy(ITransformer transformer) : IPooledObjectPolicy<PredictionEngine<Scoring.TextRow, Scoring.EmbeddingRow>>
    {
        public PredictionEngine<Scoring.TextRow, Scoring.EmbeddingRow> Create() =>
            Ml.Model.CreatePredictionEngine<Scoring.TextRow, Scoring.EmbeddingRow>(transformer, new PredictionEngineOptions { OwnsTransformer = false });

        public bool Return(PredictionEngine<Scoring.TextRow, Scoring.EmbeddingRow> obj) => true;
    }

    /// <summary>
    /// Process-wide counters: <see cref="NativeBytes"/> is private memory minus the GC's committed bytes
    /// (<see cref="CommittedBytes"/>); <see cref="Threads"/> excludes the .NET thread pool's (<see cref="PoolThreads"/>).
    /// </summary>
    private readonly record struct Snapshot(long ManagedBytes, long CommittedBytes, long NativeBytes, int Threads, int PoolThreads, int Handles)
    {
        public static Snapshot Take()
        {
            var managed = GC.GetTotalMemory(forceFullCollection: true);
            var committed = GC.GetGCMemoryInfo().TotalCommittedBytes;
            using var process = Process.GetCurrentProcess();
            var pool = ThreadPool.ThreadCount;
            return new Snapshot(managed, committed, process.PrivateMemorySize64 - committed, process.Threads.Count - pool, pool, process.HandleCount);
        }

        public override string ToString() =>
            $"heap {ManagedBytes / 1024} KiB (GC committed {CommittedBytes / 1024} KiB), native {NativeBytes / 1024} KiB, " +
            $"{Threads} threads (+{PoolThreads} pooled), {Handles} handles";
    }
}

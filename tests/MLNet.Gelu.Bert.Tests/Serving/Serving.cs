using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using MLNet.Gelu.Bert.Tests.Support;

namespace MLNet.Gelu.Bert.Tests.Serving;

/// <summary>Generators over the toy and MiniLM, reference vectors, and waiting for the scoring loop.</summary>
internal static class Serving
{
    /// <summary>How long a test waits for something the loop will do (a liveness guard, never a timing assertion).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static readonly Lazy<BertModel> LazyToyModel = new(() =>
        Support.Toy.Model(new BertModelSettings { Pooling = BertPooling.Mean, Normalize = false, MaxTokens = 16 }));

    private static readonly Lazy<BertEmbedder> LazyToyEmbedder = new(() => new BertEmbedder(ToyModel));

    private static readonly ConcurrentDictionary<string, float[]> ToyReferences = new();

    /// <summary>The toy encoder with mean pooling and no normalization: each text's vector is the mean of its token vectors.</summary>
    public static BertModel ToyModel => LazyToyModel.Value;

    /// <summary>The generator options every MiniLM test uses: 2 intra-op threads, no spinning (as <see cref="MiniLm.Options"/>).</summary>
    public static BertEmbeddingGeneratorOptions MiniLmOptions { get; } = new()
    {
        IntraOpThreads = MiniLm.Options.IntraOpThreads,
        SessionConfigEntries = MiniLm.Options.SessionConfigEntries,
    };

    public static BertEmbeddingGenerator Toy(BertEmbeddingGeneratorOptions? options = null, TimeProvider? time = null) =>
        new(ToyModel, options, time ?? TimeProvider.System);

    /// <summary>The toy under a name no other test uses, so that process-wide spans and meters can be told apart.</summary>
    public static BertModel UniqueToyModel() => BertModel.FromStreams(
        new MemoryStream(TinyOnnx.ToyEncoder()), new MemoryStream(System.Text.Encoding.UTF8.GetBytes(TinyOnnx.ToyVocabulary)), ToyModel.Settings, $"toy-{Guid.NewGuid():N}");

    /// <summary>Toy text <paramref name="i"/>: 1–7 copies of one of the vocabulary's letters, so vectors differ widely.</summary>
    public static string ToyText(int i) => string.Join(' ', Enumerable.Repeat(((char)('a' + ((i / 7) % 8))).ToString(), (i % 7) + 1));

    /// <summary>What <see cref="BertEmbedder.Embed(string?)"/> on the toy gives a text alone.</summary>
    public static float[] ToyAlone(string? text) => ToyReferences.GetOrAdd(text ?? "\0null", _ => LazyToyEmbedder.Value.Embed(text));

    /// <summary>Tokens the toy reads for a text: [CLS], one per letter, [SEP].</summary>
    public static int ToyTokens(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length + 2;

    public static void AssertEqualsAlone(IReadOnlyList<string?> texts, GeneratedEmbeddings<Embedding<float>> result, Func<string?, float[]> alone, float tolerance = 1e-5f)
    {
        Assert.Equal(texts.Count, result.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            var expected = alone(texts[i]);
            var difference = Vectors.MaxAbsDifference(expected, result[i].Vector.Span);
            Assert.True(difference <= tolerance, $"text {i} ('{texts[i]}'): max abs difference {difference}");
        }
    }

    /// <summary>Asserts that a model run held exactly these texts, in this order.</summary>
    public static void AssertRun(string?[] run, params string[] expected) =>
        Assert.True(run.SequenceEqual(expected), $"The run held [{string.Join(", ", run)}]; expected [{string.Join(", ", expected)}].");

    /// <summary>Waits until <paramref name="condition"/> holds; fails after <see cref="Patience"/>.</summary>
    public static void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Gave up waiting until {what}.");
            Thread.Sleep(1);
        }
    }

    /// <summary>Waits for a task to finish, however it finishes; fails after <see cref="Patience"/>.</summary>
    public static void WaitFinished(Task task, string what) => WaitUntil(() => task.IsCompleted, what);
}

/// <summary>
/// The generator's test seam (<see cref="EmbeddingCoalescer.BeforeModelRun"/>) as a gate: records the texts of every model
/// run, can fail chosen runs, and while closed holds each run until released one at a time.
/// </summary>
internal sealed class LoopGate
{
    private readonly SemaphoreSlim _entered = new(0);
    private readonly SemaphoreSlim _released = new(0);
    private volatile bool _closed;

    public LoopGate(BertEmbeddingGenerator generator, bool closed = true)
    {
        _closed = closed;
        generator.Coalescer.BeforeModelRun = Pass;
    }

    /// <summary>The texts of each model run, in order.</summary>
    public ConcurrentQueue<string?[]> Runs { get; } = new();

    /// <summary>When set and it returns an exception for a run's texts, the run throws it instead of running the model.</summary>
    public Func<IReadOnlyList<string?>, Exception?>? Fail { get; set; }

    /// <summary>Waits until a run is held at the gate.</summary>
    public void WaitHeld() => Assert.True(_entered.Wait(Serving.Patience), "No model run reached the gate.");

    /// <summary>Lets one held run go.</summary>
    public void ReleaseOne() => _released.Release();

    /// <summary>Lets every run go from now on, the one held included.</summary>
    public void Open()
    {
        _closed = false;
        _released.Release(1000);
    }

    private void Pass(IReadOnlyList<string?> texts)
    {
        Runs.Enqueue([.. texts]);
        if (Fail?.Invoke(texts) is { } failure)
        {
            throw failure;
        }

        if (_closed)
        {
            _entered.Release();
            if (!_released.Wait(Serving.Patience))
            {
                throw new TimeoutException("The test never released the gate.");
            }
        }
    }
}

/// <summary>The failure a test injects in place of a model error.</summary>
internal sealed class InjectedModelFailure(string message) : Exception(message);

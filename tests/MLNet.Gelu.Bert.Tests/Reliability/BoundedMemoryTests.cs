using System.Collections;
using System.Globalization;
using Microsoft.ML.Data;
using MLNet.Gelu.Bert.Tests.Support;
using MLNet.Gelu.Bert.Tests.Transforms;
using MLNet.Gelu.Tests.TestSupport;
using Xunit.Abstractions;

namespace MLNet.Gelu.Bert.Tests.Reliability;

/// <summary>
/// Memory is bounded by configuration (the window of texts or rows, the token limit), not by how many rows pass: the
/// live managed heap, sampled after full collections at points spread over a call or a pass, must not grow with the row
/// count beyond the results a call returns. The toy model keeps the model runs cheap, so that rows are many.
/// </summary>
[Collection(MemoryCollection.Name)]
public class BoundedMemoryTests(ITestOutputHelper output)
{
    /// <summary>Rows of the ScoreBert pass (default 1,000,000: about 15 s on two cores).</summary>
    public const string RowsVariable = "MLNET_GELU_SOAK_ROWS";

    /// <summary>Texts N of the shorter <c>Embed</c> call, the longer one having 4N (default 10,000; 50,000 makes the longer one 200,000).</summary>
    public const string TextsVariable = "MLNET_GELU_SOAK_TEXTS";

    /// <summary>60 word pieces (62 tokens with [CLS] and [SEP]): the tokens of a text weigh 25 times its vector.</summary>
    private static readonly string Sixty = string.Join(' ', Enumerable.Repeat("a b c d e f g h a b c d", 5));

    private static readonly string[] Texts = [Sixty, "a b c", Sixty[..41], "h", Sixty[..81]];

    private static BertEmbedderOptions ToyOptions { get; } = new()
    {
        MaxTokens = 128,
        IntraOpThreads = 1,
        InterOpThreads = 1,
        SessionConfigEntries = new Dictionary<string, string> { ["session.intra_op.allow_spinning"] = "0" },
    };

    private static BertModel ToyModel => Toy.Model(new BertModelSettings { Pooling = BertPooling.Mean, Normalize = true });

    /// <summary>
    /// <c>Embed</c> of N = 10,000 and of 4N texts (N from <see cref="TextsVariable"/>) of 5 to 62 tokens: the live heap at 16
    /// points of each call, less the result array and the vectors
    /// returned so far (counted as if every text read had its vector already, an upper bound), must not grow by more than
    /// 1 MiB from the shorter call to the longer one (holding the tokens of the whole list, as the embedder did before it
    /// scored in windows, grows it by 2.5 MiB at N = 10,000); and once the calls returned, the embedder may hold no more than 1 MiB more
    /// than after a call of 1,000 texts (it used to keep the buffers of its longest call). The results still equal each
    /// text embedded alone.
    /// </summary>
    [Fact]
    public void Embed_of_a_long_list_holds_one_window_of_tokens_not_the_list()
    {
        using var embedder = new BertEmbedder(ToyModel, ToyOptions);
        int vectorBytes = VectorBytes(embedder.Dimension);
        embedder.Embed(new SampledTexts(1_000, null));
        long idle = LiveMemory.Now();

        int n = Configured(TextsVariable, 10_000);
        var (small, smallMemory) = Excess(embedder, n, vectorBytes);
        var (large, largeMemory) = Excess(embedder, 4 * n, vectorBytes);
        output.WriteLine($"{n} texts: {smallMemory.Describe()}");
        output.WriteLine($"{4 * n} texts: {largeMemory.Describe()}");
        output.WriteLine($"excess {small / 1048576.0:F2} MiB, then {large / 1048576.0:F2} MiB");
        Assert.True(large - small < 1 << 20,
            $"Live bytes beyond the vectors returned: {small / 1048576.0:F2} MiB over {n} texts, {large / 1048576.0:F2} MiB over {4 * n}. " +
            $"Samples: {smallMemory.Describe()} | {largeMemory.Describe()}");

        // Between calls the embedder keeps at most a window's buffers, not those the longest call grew.
        long kept = LiveMemory.Now() - idle;
        output.WriteLine($"kept after the calls: {kept / 1048576.0:F2} MiB");
        Assert.True(kept < 1 << 20, $"After embedding {4 * n} texts the embedder holds {kept / 1048576.0:F2} MiB more than after 1,000.");

        var texts = new SampledTexts(3 * embedder.WindowTexts + 7, null);
        var vectors = embedder.Embed(texts);
        var dropped = new int[texts.Count];
        embedder.Embed(texts, dropped);
        for (int i = 0; i < texts.Count; i += 97)
        {
            Assert.True(Vectors.MaxAbsDifference(embedder.Embed(texts[i]), vectors[i]) < 1e-5f, $"text {i}");
            Assert.Equal(0, dropped[i]);
        }
    }

    /// <summary>
    /// A ScoreBert pass over an <see cref="Microsoft.ML.IDataView"/> built from a generator (<c>LoadFromEnumerable</c> of an
    /// <see cref="IEnumerable{T}"/> that never holds its rows) of 1,000,000 rows (<see cref="RowsVariable"/>), read through
    /// a cursor that keeps nothing. The live heap, sampled every 1/20 of the rows from the generator, may not grow by 2 MiB
    /// from the first sample to any later one (2 bytes a row).
    /// </summary>
    [Fact]
    public void A_scorebert_pass_over_a_generated_view_keeps_live_memory_flat()
    {
        int rows = Configured(RowsVariable, 1_000_000);
        int step = Math.Max(1, rows / 20);
        var memory = new LiveMemory(32);
        var ml = Scoring.Ml;
        var options = new BertScoringOptions
        {
            Model = ToyModel,
            MaxTokens = ToyOptions.MaxTokens,
            IntraOpThreads = 1,
            InterOpThreads = 1,
            SessionConfigEntries = ToyOptions.SessionConfigEntries,
            TokenCountColumnName = "Tokens",
        };
        using var transformer = ml.Transforms.ScoreBert("Embedding", "Text", options).Fit(Scoring.Texts("a"));
        var scored = transformer.Transform(ml.Data.LoadFromEnumerable(Generate(rows, step, memory)));

        using var cursor = scored.GetRowCursor(scored.Schema);
        var embedding = cursor.GetGetter<VBuffer<float>>(scored.Schema["Embedding"]);
        var tokens = cursor.GetGetter<int>(scored.Schema["Tokens"]);
        VBuffer<float> vector = default;
        int count = 0, read = 0;
        long sum = 0;
        while (cursor.MoveNext())
        {
            embedding(ref vector);
            tokens(ref count);
            Assert.Equal(4, vector.Length);
            sum += count;
            read++;
        }

        output.WriteLine($"{rows} rows: {memory.Describe()}");
        Assert.Equal(rows, read);
        Assert.Equal(Enumerable.Range(0, rows).Sum(i => (long)TokensOf(i)), sum);
        var bytes = memory.Bytes;
        Assert.True(bytes.Length >= Math.Min(20, rows), memory.Describe());
        long growth = 0;
        foreach (long b in bytes[1..])
        {
            growth = Math.Max(growth, b - bytes[0]);
        }

        Assert.True(growth < 2 << 20, $"The live heap grew by {growth / 1048576.0:F2} MiB over {rows} rows: {memory.Describe()}");
    }

    private static int Configured(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0 ? value : fallback;

    /// <summary>The rows of the generated view, created as they are read; every <paramref name="step"/> rows a sample.</summary>
    private static IEnumerable<Scoring.TextRow> Generate(int rows, int step, LiveMemory memory)
    {
        for (int i = 0; i < rows; i++)
        {
            if (i % step == 0)
            {
                memory.Sample(i);
            }

            yield return new Scoring.TextRow { Text = Texts[i % Texts.Length] };
        }
    }

    /// <summary>The tokens the model reads for generated row <paramref name="i"/> (word pieces plus [CLS] and [SEP]).</summary>
    private static int TokensOf(int i) => Texts[i % Texts.Length].Split(' ').Length + 2;

    /// <summary>
    /// The live heap at 16 points of one <c>Embed</c> of <paramref name="count"/> texts, less what was live before, less the
    /// array of <paramref name="count"/> results and less the vectors of the texts read so far; returns the largest such excess.
    /// </summary>
    private static (long MaxExcess, LiveMemory Memory) Excess(BertEmbedder embedder, int count, int vectorBytes)
    {
        var memory = new LiveMemory(17);
        var texts = new SampledTexts(count, memory);
        long before = LiveMemory.Now();
        var vectors = embedder.Embed(texts);
        Assert.Equal(count, vectors.Length);
        long max = long.MinValue;
        for (int i = 0; i < memory.Bytes.Length; i++)
        {
            max = Math.Max(max, memory.Bytes[i] - before - (memory.At[i] * vectorBytes) - ((long)count * IntPtr.Size));
        }

        return (max, memory);
    }

    /// <summary>What one float[<paramref name="dimension"/>] weighs on this runtime (header included).</summary>
    private static int VectorBytes(int dimension)
    {
        var keep = new float[1000][];
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < keep.Length; i++)
        {
            keep[i] = new float[dimension];
        }

        long after = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(keep);
        return (int)((after - before) / keep.Length);
    }

    /// <summary>
    /// <paramref name="count"/> texts computed on access (no list is held); the embedder reads each once, and every
    /// count/16 reads a sample of the live heap is taken, so the samples lie inside the call.
    /// </summary>
    private sealed class SampledTexts(int count, LiveMemory? memory) : IReadOnlyList<string?>
    {
        private readonly int _step = Math.Max(1, count / 16);

        public int Count => count;

        public string? this[int index]
        {
            get
            {
                if (memory is not null && index % _step == 0)
                {
                    memory.Sample(index);
                }

                return Texts[index % Texts.Length];
            }
        }

        public IEnumerator<string?> GetEnumerator()
        {
            for (int i = 0; i < count; i++)
            {
                yield return this[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

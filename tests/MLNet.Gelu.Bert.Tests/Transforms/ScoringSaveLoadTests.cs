using System.IO.Compression;
using System.Text.RegularExpressions;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Bert.Tests.Support;
using MLNet.Gelu.Tests.TestSupport;

namespace MLNet.Gelu.Bert.Tests.Transforms;

public partial class ScoringSaveLoadTests
{
    private static readonly IDataView Data = Scoring.Texts("A cat sits on the mat.", null, "Stocks fell sharply today.", string.Concat(Enumerable.Repeat("long text ", 200)));

    [Fact]
    public void Library_loader_restores_the_transformer_with_identical_outputs()
    {
        var loaded = TransformerChecks.CheckSaveLoad(
            Scoring.SmallWindow, Data, relativeTolerance: 0,
            save: (ml, model, schema, stream) => ml.Model.SaveWithActivations(model, schema, stream),
            load: (ml, stream) => ml.Model.LoadWithActivations(stream, out _));
        using var restored = Assert.IsType<BertScoringTransformer>(loaded);
        Assert.Equal("Dropped", restored.Options.TruncatedTokensColumnName);
        Assert.Equal(5, restored.Options.WindowSize);
        Assert.Equal(Scoring.SmallWindow.Model.Settings, restored.Model.Settings);
    }

    [Fact]
    public void Every_option_but_the_model_and_the_log_is_saved_and_restored()
    {
        // Every saved property set away from its default, so that a property the archive forgot cannot pass unnoticed.
        var options = new BertScoringOptions
        {
            Model = Toy.Model(new BertModelSettings { Pooling = BertPooling.Mean, MaxTokens = 12 }),
            Pooling = BertPooling.Max,
            Normalize = true,
            MaxTokens = 10,
            LongText = BertLongTextMode.Chunk,
            ChunkOverlap = 2,
            TokenBudget = 77,
            MaxBatchSize = 7,
            WindowSize = 9,
            ExecutionProvider = BertExecutionProvider.Cpu,
            DeviceId = 3,
            ProviderOptions = new Dictionary<string, string> { ["some_option"] = "1" },
            FallbackToCpu = true,
            Logger = new Microsoft.Extensions.Logging.Testing.FakeLogger(),
            IntraOpThreads = 1,
            InterOpThreads = 1,
            GraphOptimizationLevel = Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_BASIC,
            SessionConfigEntries = new Dictionary<string, string> { ["session.intra_op.allow_spinning"] = "0" },
            Precision = BertPrecision.Int8,
            TruncatedTokensColumnName = "Dropped",
            TokenCountColumnName = "Tokens",
        };
        var ml = new MLContext(seed: 1);
        var data = Scoring.Texts("a b c");
        using var model = ml.Transforms.ScoreBert("Embedding", "Text", options).Fit(data);
        using var stream = new MemoryStream();
        ml.Model.SaveWithActivations(model, data.Schema, stream);
        stream.Position = 0;

        using var restored = Assert.IsType<BertScoringTransformer>(ml.Model.LoadWithActivations(stream, out _));

        string[] notSaved = [nameof(BertScoringOptions.Model), nameof(BertScoringOptions.Logger)];
        foreach (var property in typeof(BertScoringOptions).GetProperties().Where(p => p.GetMethod!.IsPublic && !notSaved.Contains(p.Name)))
        {
            object? expected = property.GetValue(options), actual = property.GetValue(restored.Options);
            Assert.True(
                expected is IReadOnlyDictionary<string, string> d ? d.OrderBy(p => p.Key).SequenceEqual(((IReadOnlyDictionary<string, string>)actual!).OrderBy(p => p.Key)) : Equals(expected, actual),
                $"{property.Name}: saved {expected}, restored {actual}.");
        }

        Assert.Null(restored.Options.Logger);
        Assert.Equal("Embedding", restored.OutputColumnName);
        Assert.Equal(options.Model.Settings, restored.SourceModel.Settings);
    }

    [Theory]
    [InlineData("MLNet.Gelu.Bert.Transforms.BertScoringArchive, MLNet.Gelu.Bert, Version=0.1.0.0, Culture=neutral, PublicKeyToken=null")]
    [InlineData("System.Diagnostics.Process, System.Diagnostics.Process")]
    public void The_restorer_comes_from_the_kind_never_from_the_type_name_in_the_file(string recordedRestorer)
    {
        // 0.1.0 recorded a namespace-qualified restorer per component; a crafted file may name any type. None is looked up.
        var ml = new MLContext(seed: 1);
        using var stream = new MemoryStream();
        ml.Model.SaveWithActivations(Scoring.SmallWindow, Data.Schema, stream);
        RewriteManifest(stream, json => KindField().Replace(json, $"\"kind\": \"BertScoring\", \"restorer\": \"{recordedRestorer}\"", 1));

        using var restored = Assert.IsType<BertScoringTransformer>(ml.Model.LoadWithActivations(stream, out _));
        Assert.Equal(5, restored.Options.WindowSize);
    }

    [Fact]
    public void A_kind_the_library_does_not_save_fails_before_any_type_is_loaded()
    {
        var ml = new MLContext(seed: 1);
        using var stream = new MemoryStream();
        ml.Model.SaveWithActivations(Scoring.SmallWindow, Data.Schema, stream);
        RewriteManifest(stream, json => json.Replace("\"BertScoring\"", "\"Evil\"", StringComparison.Ordinal));

        var error = Assert.Throws<InvalidDataException>(() => ml.Model.LoadWithActivations(stream, out _));
        Assert.Contains("'Evil' is not a kind of transformer this library saves", error.Message, StringComparison.Ordinal);
    }

    private static void RewriteManifest(MemoryStream model, Func<string, string> edit)
    {
        using (var zip = new ZipArchive(model, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = zip.GetEntry("MLNet.Gelu/manifest.json")!;
            string json;
            using (var reader = new StreamReader(entry.Open()))
            {
                json = reader.ReadToEnd();
            }

            string edited = edit(json);
            Assert.NotEqual(json, edited);
            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("MLNet.Gelu/manifest.json").Open());
            writer.Write(edited);
        }

        model.Position = 0;
    }

    [GeneratedRegex("\"kind\":\\s*\"BertScoring\"")]
    private static partial Regex KindField();

    [Fact]
    public void A_chain_with_an_activation_transform_and_an_activation_rewrite_round_trips_through_a_file()
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "model.zip");
        var pipeline = Scoring.Ml.Transforms.ScoreBert("Embedding", "Text", Scoring.Options with { Activation = Activation.GeluTanh })
            .Append(Scoring.Ml.Transforms.ApplyActivation("Hidden", "Embedding", Activation.Silu));
        var model = pipeline.Fit(Data);
        try
        {
            Scoring.Ml.Model.SaveWithActivations(model, Data.Schema, path);
            var loaded = Scoring.Ml.Model.LoadWithActivations(path, out var schema);
            var chain = Assert.IsType<TransformerChain<ITransformer>>(loaded);
            using var bert = Assert.IsType<BertScoringTransformer>(chain.First());
            Assert.Equal(Activation.GeluTanh, bert.Options.Activation);
            Assert.IsType<ActivationTransformer>(chain.Last());
            Assert.Equal("Text", schema.Single().Name);
            DataViewValues.AssertEqual(DataViewValues.Read(model.Transform(Data)), DataViewValues.Read(loaded.Transform(Data)), 0);
        }
        finally
        {
            ((IDisposable)model.First()).Dispose();
        }
    }

    [Fact]
    public void Plain_ML_NET_load_fails_with_a_message_naming_the_library_loader()
    {
        using var stream = new MemoryStream();
        Scoring.Ml.Model.SaveWithActivations(Scoring.SmallWindow, Data.Schema, stream);
        stream.Position = 0;
        var error = Record.Exception(() => new MLContext().Model.Load(stream, out _));
        Assert.NotNull(error);
        Assert.Contains("LoadWithActivations", Messages(error), StringComparison.Ordinal);

        using var plain = new MemoryStream();
        Scoring.Ml.Model.Save(Scoring.SmallWindow, Data.Schema, plain);
        plain.Position = 0;
        error = Record.Exception(() => new MLContext().Model.Load(plain, out _));
        Assert.NotNull(error);
        Assert.Contains("LoadWithActivations", Messages(error), StringComparison.Ordinal);
    }

    [Fact]
    public void A_plain_save_has_no_model_bytes_so_the_library_loader_fails_clearly_too()
    {
        using var plain = new MemoryStream();
        Scoring.Ml.Model.Save(Scoring.SmallWindow, Data.Schema, plain);
        plain.Position = 0;
        var error = Record.Exception(() => new MLContext().Model.LoadWithActivations(plain, out _));
        Assert.NotNull(error);
        Assert.Contains("LoadWithActivations", Messages(error), StringComparison.Ordinal);
    }

    private static string Messages(Exception error)
    {
        var text = new System.Text.StringBuilder();
        for (var e = error; e is not null; e = e.InnerException)
        {
            text.AppendLine(e.Message);
        }

        return text.ToString();
    }
}

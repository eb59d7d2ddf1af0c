using Google.Protobuf;
using MLNet.Gelu.Bert.Graphs;
using MLNet.Gelu.Bert.Tests.Graphs;
using MLNet.Gelu.Bert.Tests.Support;
using Onnx;

namespace MLNet.Gelu.Bert.Tests.Models;

/// <summary>
/// ONNX external data (<c>TensorProto.external_data</c>): a model may read only files inside its own folder. The models
/// are the toy encoder with its weights <c>w</c> moved to a file; every refusal happens in <see cref="BertModel.FromFiles"/>
/// or before a session opens, so ONNX Runtime never sees the model (the exceptions carry no ONNX Runtime error).
/// </summary>
public sealed class ExternalDataTests : IDisposable
{
    private readonly TempDirectory _root = new();

    /// <summary>The model's folder, inside the temporary root; <c>secret.bin</c> (valid weights) lies beside it, outside.</summary>
    private readonly string _folder;

    private readonly string _secret;

    public ExternalDataTests()
    {
        _folder = Path.Combine(_root.Path, "model");
        Directory.CreateDirectory(_folder);
        _secret = Path.Combine(_root.Path, "secret.bin");
        File.WriteAllBytes(_secret, Weights);
    }

    /// <summary>The toy's weights (1, 2, 3, 4) as raw little-endian floats.</summary>
    private static byte[] Weights => [.. new[] { 1f, 2f, 3f, 4f }.SelectMany(BitConverter.GetBytes)];

    public void Dispose() => _root.Dispose();

    [Theory]
    [InlineData("w.bin")]
    [InlineData("data/w.bin")]
    [InlineData("./data/w.bin")]
    public void External_weights_beside_the_model_load_and_score_like_the_inline_model(string location)
    {
        string file = Path.Combine(_folder, location);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, Weights);
        var model = BertModel.FromFiles(WriteModel(location), WriteVocabulary());
        AssertScoresLikeTheInlineToy(model);
    }

    /// <summary>Links that stay inside are fine: a file link to a file in the folder, and a model folder that is itself a link.</summary>
    [Fact]
    public void Symbolic_links_that_stay_inside_the_folder_are_followed()
    {
        File.WriteAllBytes(Path.Combine(_folder, "w.bin"), Weights);
        File.CreateSymbolicLink(Path.Combine(_folder, "link.bin"), "w.bin");
        AssertScoresLikeTheInlineToy(BertModel.FromFiles(WriteModel("link.bin"), WriteVocabulary()));

        string linkedFolder = Path.Combine(_root.Path, "linked-model");
        Directory.CreateSymbolicLink(linkedFolder, _folder);
        AssertScoresLikeTheInlineToy(BertModel.FromFiles(Path.Combine(linkedFolder, "model.onnx"), WriteVocabulary()));
    }

    public static TheoryData<string, string> Escapes => new()
    {
        { "../secret.bin", "'..' segment" },
        { "data/../../secret.bin", "'..' segment" },
        { "data/../w.bin", "'..' segment" },
        { "..\\secret.bin", "'..' segment" },
        { "/etc/passwd", "absolute path" },
        { "\\\\server\\share\\w.bin", "absolute path" },
        { "C:\\Windows\\win.ini", "absolute path" },
        { "c:secret.bin", "absolute path" },
        { "w.bin\0.txt", "NUL character" },
    };

    [Theory]
    [MemberData(nameof(Escapes))]
    public void A_location_outside_the_folder_is_refused_naming_the_tensor_and_the_path(string location, string why)
    {
        File.WriteAllBytes(Path.Combine(_folder, "w.bin"), Weights);
        Directory.CreateDirectory(Path.Combine(_folder, "data"));
        var e = Assert.Throws<BertModelException>(() => BertModel.FromFiles(WriteModel(location), WriteVocabulary()));
        Assert.Equal(BertModelProblem.ModelExternalDataOutsideFolder, e.Problem);
        Assert.Contains("the tensor 'w'", e.Message);
        Assert.Contains($"'{location}'", e.Message);
        Assert.Contains(why, e.Message);
        Assert.Contains(_folder, e.Message);
        Assert.Null(e.InnerException);
    }

    /// <summary>The absolute path of a file that exists and holds valid weights is refused all the same.</summary>
    [Fact]
    public void An_absolute_path_to_a_readable_file_is_refused()
    {
        var e = Assert.Throws<BertModelException>(() => BertModel.FromFiles(WriteModel(_secret), WriteVocabulary()));
        Assert.Equal(BertModelProblem.ModelExternalDataOutsideFolder, e.Problem);
        Assert.Contains(_secret, e.Message);
    }

    public static TheoryData<string> LinkEscapes => ["file, relative target", "file, absolute target", "folder", "chain"];

    [Theory]
    [MemberData(nameof(LinkEscapes))]
    public void A_symbolic_link_that_leads_out_of_the_folder_is_refused(string kind)
    {
        string location = "w.bin";
        switch (kind)
        {
            case "file, relative target":
                File.CreateSymbolicLink(Path.Combine(_folder, "w.bin"), "../secret.bin");
                break;
            case "file, absolute target":
                File.CreateSymbolicLink(Path.Combine(_folder, "w.bin"), _secret);
                break;
            case "folder":
                string outside = Path.Combine(_root.Path, "outside");
                Directory.CreateDirectory(outside);
                File.WriteAllBytes(Path.Combine(outside, "w.bin"), Weights);
                Directory.CreateSymbolicLink(Path.Combine(_folder, "data"), outside);
                location = "data/w.bin";
                break;
            default:
                File.CreateSymbolicLink(Path.Combine(_folder, "w.bin"), "second.bin");
                File.CreateSymbolicLink(Path.Combine(_folder, "second.bin"), "sub/../../secret.bin");
                Directory.CreateDirectory(Path.Combine(_folder, "sub"));
                break;
        }

        var e = Assert.Throws<BertModelException>(() => BertModel.FromFiles(WriteModel(location), WriteVocabulary()));
        Assert.Equal(BertModelProblem.ModelExternalDataOutsideFolder, e.Problem);
        Assert.Contains("the tensor 'w'", e.Message);
        Assert.Contains("through a symbolic link", e.Message);
        Assert.Contains(kind == "folder" ? Path.Combine(_root.Path, "outside", "w.bin") : _secret, e.Message);
    }

    [Fact]
    public void A_symbolic_link_loop_is_refused()
    {
        File.CreateSymbolicLink(Path.Combine(_folder, "w.bin"), "w.bin");
        var e = Assert.Throws<BertModelException>(() => BertModel.FromFiles(WriteModel("w.bin"), WriteVocabulary()));
        Assert.Equal(BertModelProblem.ModelExternalDataOutsideFolder, e.Problem);
        Assert.Contains("more than 40 symbolic links", e.Message);
    }

    /// <summary>
    /// The model was checked when it was created; the file is replaced by a link out of the folder afterwards. Opening a
    /// session (an embedder, a transformer) checks again and refuses.
    /// </summary>
    [Fact]
    public void Files_changed_after_the_model_was_created_are_checked_again_when_a_session_opens()
    {
        string file = Path.Combine(_folder, "w.bin");
        File.WriteAllBytes(file, Weights);
        var model = BertModel.FromFiles(WriteModel("w.bin"), WriteVocabulary());
        File.Delete(file);
        File.CreateSymbolicLink(file, _secret);

        var e = Assert.Throws<BertModelException>(() => new BertEmbedder(model, new BertEmbedderOptions { IntraOpThreads = 1 }));
        Assert.Equal(BertModelProblem.ModelExternalDataOutsideFolder, e.Problem);
        var fit = Assert.Throws<BertModelException>(() =>
            Transforms.Scoring.Ml.Transforms.ScoreBert("Embedding", "Text", new BertScoringOptions { Model = model }).Fit(Transforms.Scoring.Texts("a")));
        Assert.Equal(BertModelProblem.ModelExternalDataOutsideFolder, fit.Problem);
    }

    [Fact]
    public void External_data_that_cannot_be_read_is_unavailable()
    {
        var missing = Assert.Throws<BertModelException>(() => BertModel.FromFiles(WriteModel("w.bin"), WriteVocabulary()));
        Assert.Equal(BertModelProblem.ModelExternalDataUnavailable, missing.Problem);
        Assert.Contains("'w.bin', which is not a file in the model's folder", missing.Message);

        File.WriteAllBytes(Path.Combine(_folder, "w.bin"), Weights);
        var stream = Assert.Throws<BertModelException>(() => BertModel.FromStreams(new MemoryStream(Model("w.bin")), Vocabulary(), name: "streamed"));
        Assert.Equal(BertModelProblem.ModelExternalDataUnavailable, stream.Problem);
        Assert.Contains("streamed (ONNX)", stream.Message);
        Assert.Contains("no folder to read that file from", stream.Message);

        var unnamed = Assert.Throws<BertModelException>(() => BertModel.FromFiles(WriteModel(null), WriteVocabulary()));
        Assert.Equal(BertModelProblem.ModelExternalDataUnavailable, unnamed.Problem);
        Assert.Contains("names no file", unnamed.Message);
    }

    /// <summary>A graph swapped in with <see cref="BertModel.WithOnnx"/> reads external data from the original model's folder, under the same rules.</summary>
    [Fact]
    public void WithOnnx_checks_the_new_graph_against_the_models_folder()
    {
        File.WriteAllBytes(Path.Combine(_folder, "w.bin"), Weights);
        var model = BertModel.FromFiles(WriteModel("w.bin"), WriteVocabulary());
        AssertScoresLikeTheInlineToy(model.WithOnnx(Model("w.bin"), "again"));
        var e = Assert.Throws<BertModelException>(() => model.WithOnnx(Model("../secret.bin"), "escaping"));
        Assert.Equal(BertModelProblem.ModelExternalDataOutsideFolder, e.Problem);
        Assert.Equal("escaping", e.SourceName);

        var streamed = Toy.Model(new BertModelSettings());
        Assert.Equal(BertModelProblem.ModelExternalDataUnavailable, Assert.Throws<BertModelException>(() => streamed.WithOnnx(Model("w.bin"), "no folder")).Problem);
    }

    [Fact]
    public void Session_settings_cannot_point_external_data_elsewhere()
    {
        var options = new BertEmbedderOptions { SessionConfigEntries = new Dictionary<string, string> { ["session.model_external_initializers_file_folder_path"] = _root.Path } };
        var e = Assert.Throws<ArgumentException>(() => new BertEmbedder(Toy.Model(new BertModelSettings()), options));
        Assert.Contains("session.model_external_initializers_file_folder_path", e.Message);
    }

    /// <summary>Every place ONNX allows a tensor is searched: initializers, sparse initializers, node attributes, subgraphs, training graphs, functions.</summary>
    [Fact]
    public void External_tensors_are_found_wherever_onnx_allows_one()
    {
        var model = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "g" } };
        model.Graph.Initializer.Add(External("initializer"));
        model.Graph.Initializer.Add(new TensorProto { Name = "inline", DataType = 1, FloatData = { 1f } });
        model.Graph.SparseInitializer.Add(new SparseTensorProto { Values = External("sparse values"), Indices = External("sparse indices") });
        model.Graph.Node.Add(new NodeProto
        {
            OpType = "Constant",
            Attribute =
            {
                new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = External("constant") },
                new AttributeProto { Name = "list", Type = AttributeProto.Types.AttributeType.Tensors, Tensors = { External("listed") } },
                new AttributeProto { Name = "sparse", Type = AttributeProto.Types.AttributeType.SparseTensor, SparseTensor = new SparseTensorProto { Values = External("attribute sparse") } },
            },
        });
        var inner = new GraphProto { Name = "else" };
        inner.Initializer.Add(External("nested twice"));
        var then = new GraphProto { Name = "then" };
        then.Initializer.Add(External("subgraph"));
        then.Node.Add(new NodeProto { OpType = "If", Attribute = { new AttributeProto { Name = "else_branch", Type = AttributeProto.Types.AttributeType.Graph, G = inner } } });
        model.Graph.Node.Add(new NodeProto
        {
            OpType = "Loop",
            Attribute = { new AttributeProto { Name = "graphs", Type = AttributeProto.Types.AttributeType.Graphs, Graphs = { then } } },
        });
        var training = new GraphProto { Name = "training" };
        training.Initializer.Add(External("training"));
        model.TrainingInfo.Add(new TrainingInfoProto { Initialization = training });
        var function = new FunctionProto { Name = "f" };
        function.Node.Add(new NodeProto { OpType = "Constant", Attribute = { new AttributeProto { Name = "value", T = External("function") } } });
        model.Functions.Add(function);
        var unlocated = new TensorProto { Name = "marked only", DataLocation = TensorProto.Types.DataLocation.External };
        model.Graph.Initializer.Add(unlocated);

        var found = OnnxExternalData.Find(model.ToByteArray());
        Assert.Equal(
            ["attribute sparse", "constant", "function", "initializer", "listed", "marked only", "nested twice", "sparse indices", "sparse values", "subgraph", "training"],
            found.Select(t => t.Tensor).Order(StringComparer.Ordinal));
        Assert.All(found.Where(t => t.Tensor != "marked only"), t => Assert.Equal(t.Tensor + ".bin", t.Location));
        Assert.Null(found.Single(t => t.Tensor == "marked only").Location);
    }

    /// <summary>Subgraphs nested deeper than the reader follows (64) fail as a bad model, not as a stack overflow.</summary>
    [Fact]
    public void Subgraphs_nested_too_deep_are_refused()
    {
        var graph = new GraphProto { Name = "deepest" };
        for (int depth = 0; depth < OnnxExternalData.MaxDepth + 1; depth++)
        {
            var parent = new GraphProto { Name = $"level {depth}" };
            parent.Node.Add(new NodeProto { OpType = "If", Attribute = { new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = graph } } });
            graph = parent;
        }

        var bytes = TinyOnnx.Build(
            [TinyOnnx.Tensor("input_ids", TinyOnnx.Int64, -1, -1)],
            [TinyOnnx.Tensor("last_hidden_state", TinyOnnx.Float, -1, -1, 4)],
            [new NodeProto { OpType = "If", Input = { "input_ids" }, Output = { "last_hidden_state" }, Attribute = { new AttributeProto { Name = "then_branch", G = graph } } }]);
        var e = Assert.Throws<BertModelException>(() => BertModel.FromStreams(new MemoryStream(bytes), Vocabulary()));
        Assert.Equal(BertModelProblem.ModelNotOnnx, e.Problem);
        Assert.Contains("deeper than 64", e.Message);
    }

    /// <summary>The rewriter's verifier never opens a session over bytes that name external files (ONNX Runtime would look in the working directory).</summary>
    [Fact]
    public void The_graph_verifier_creates_no_session_for_a_model_with_external_data()
    {
        var g = new TestGraph();
        string x = g.Input("x", 4);
        var weights = External("w");
        weights.DataType = 1;
        weights.Dims.Add(4);
        g.Graph.Initializer.Add(weights);
        string y = ActivationShapes.All[0].Build(g, g.Op("Mul", x, "w"), null);
        g.Output(y, 4);

        var result = ActivationGraphRewriter.Rewrite(g.ToBytes(), Activation.GeluTanh);
        Assert.Single(result.Rewritten);
        var e = Assert.Throws<ActivationGraphVerificationException>(() => ActivationGraphVerifier.Verify(result));
        Assert.Contains("external file 'w.bin'", Assert.Single(e.Failures));
        Assert.Null(e.InnerException);
        Assert.False(ActivationGraphVerifier.Verify(result, loadSession: false).SessionLoaded);
    }

    private static TensorProto External(string name) => new()
    {
        Name = name,
        DataLocation = TensorProto.Types.DataLocation.External,
        ExternalData = { new StringStringEntryProto { Key = "location", Value = name + ".bin" } },
    };

    /// <summary>The toy encoder (<see cref="TinyOnnx.ToyEncoder"/>) with its weights <c>w</c> in the external file <paramref name="location"/> (none when null).</summary>
    private static byte[] Model(string? location)
    {
        var model = ModelProto.Parser.ParseFrom(TinyOnnx.ToyEncoder());
        var w = model.Graph.Initializer.Single(t => t.Name == "w");
        w.FloatData.Clear();
        w.DataLocation = TensorProto.Types.DataLocation.External;
        if (location is not null)
        {
            w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        }

        w.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = "16" });
        return model.ToByteArray();
    }

    private string WriteModel(string? location)
    {
        string path = Path.Combine(_folder, "model.onnx");
        File.WriteAllBytes(path, Model(location));
        return path;
    }

    private string WriteVocabulary() => _root.File("vocab.txt", TinyOnnx.ToyVocabulary);

    private static MemoryStream Vocabulary() => new(System.Text.Encoding.UTF8.GetBytes(TinyOnnx.ToyVocabulary));

    private static void AssertScoresLikeTheInlineToy(BertModel model)
    {
        var options = new BertEmbedderOptions { IntraOpThreads = 1, Pooling = BertPooling.Mean, Normalize = false };
        using var external = new BertEmbedder(model, options);
        using var inline = new BertEmbedder(Toy.Model(new BertModelSettings()), options);
        Assert.Equal(inline.Embed("a b c"), external.Embed("a b c"));
    }
}

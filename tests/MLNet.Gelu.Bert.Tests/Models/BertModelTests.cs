using MLNet.Gelu.Bert.Tests.Support;

namespace MLNet.Gelu.Bert.Tests.Models;

public class BertModelTests
{
    [Fact]
    public void Default_model_is_all_MiniLM_L6_v2_with_sentence_transformers_settings()
    {
        var model = MiniLm.Model;
        Assert.Equal("input_ids", model.InputIdsName);
        Assert.Equal("attention_mask", model.AttentionMaskName);
        Assert.Equal("token_type_ids", model.TokenTypeIdsName);
        Assert.Equal("last_hidden_state", model.OutputName);
        Assert.Equal(3, model.OutputRank);
        Assert.Null(model.HiddenSize); // the export leaves the hidden dimension symbolic; sessions measure it
        Assert.Equal(256, model.Settings.MaxTokens);
        Assert.Equal(BertPooling.Mean, model.Settings.Pooling);
        Assert.True(model.Settings.Normalize);
        Assert.True(model.Settings.LowerCase);
        Assert.Equal(30522, model.Vocabulary.Tokens.Count);
        Assert.Equal((101, 102, 0, 100), (model.Vocabulary.ClsId, model.Vocabulary.SepId, model.Vocabulary.PadId, model.Vocabulary.UnkId));
        Assert.Same(model, BertModel.AllMiniLmL6V2());
    }

    [Fact]
    public void Toy_model_from_files_reads_inputs_from_the_graph_and_hidden_size_from_the_shape()
    {
        using var dir = new TempDirectory();
        var model = BertModel.FromFiles(dir.File("toy.onnx", TinyOnnx.ToyEncoder()), dir.File("vocab.txt", TinyOnnx.ToyVocabulary));
        Assert.Equal("input_ids", model.InputIdsName);
        Assert.Equal("attention_mask", model.AttentionMaskName);
        Assert.Null(model.TokenTypeIdsName);
        Assert.Equal(4, model.HiddenSize);
        Assert.Equal(Path.Combine(dir.Path, "toy.onnx"), model.Name);
    }

    [Fact]
    public void From_streams_and_with_settings()
    {
        using var onnx = new MemoryStream(TinyOnnx.ToyEncoder());
        using var vocab = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(TinyOnnx.ToyVocabulary.Replace("\n", "\r\n")));
        var model = BertModel.FromStreams(onnx, vocab, new BertModelSettings { MaxTokens = 8 }, "toy");
        Assert.Equal(8, model.Settings.MaxTokens);
        Assert.Equal(2, model.Vocabulary.ClsId);
        Assert.Equal("[PAD]", model.Vocabulary.Tokens[0]); // CRLF stripped
        var cls = model.WithSettings(model.Settings with { Pooling = BertPooling.Cls });
        Assert.Equal(BertPooling.Cls, cls.Settings.Pooling);
        Assert.Equal(model.OnnxModel.Length, cls.OnnxModel.Length);
    }

    [Fact]
    public void Missing_files_name_the_path()
    {
        using var dir = new TempDirectory();
        var vocab = dir.File("vocab.txt", TinyOnnx.ToyVocabulary);
        var onnx = dir.File("toy.onnx", TinyOnnx.ToyEncoder());
        var missing = Path.Combine(dir.Path, "nope.onnx");
        var e = Assert.Throws<FileNotFoundException>(() => BertModel.FromFiles(missing, vocab));
        Assert.Contains(missing, e.Message);
        Assert.Contains("ONNX model", e.Message);
        var e2 = Assert.Throws<FileNotFoundException>(() => BertModel.FromFiles(onnx, Path.Combine(dir.Path, "nope.txt")));
        Assert.Contains("nope.txt", e2.Message);
        Assert.Contains("vocabulary", e2.Message);
    }

    [Fact]
    public void Empty_model_file()
    {
        var e = Bad(Array.Empty<byte>(), BertModelProblem.ModelEmpty);
        Assert.Contains("0 bytes", e.Message);
    }

    [Fact]
    public void Truncated_model_file()
    {
        var bytes = MiniLm.Model.OnnxModel[..1_000_000].ToArray();
        var e = Bad(bytes, BertModelProblem.ModelTruncated);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("1000000 bytes", e.Message);

        var tiny = TinyOnnx.ToyEncoder();
        Bad(tiny[..(tiny.Length - 3)], BertModelProblem.ModelTruncated);
    }

    [Theory]
    [InlineData("this is not a model\n")]
    [InlineData("{\"model\": \"json\"}")]
    [InlineData("PK\u0003\u0004 zip-ish")]
    public void Not_onnx(string content)
    {
        var e = Bad(System.Text.Encoding.UTF8.GetBytes(content), BertModelProblem.ModelNotOnnx);
        Assert.Contains("not an ONNX model", e.Message);
    }

    [Fact]
    public void Onnx_without_token_inputs()
    {
        var pixels = TinyOnnx.Build(
            [TinyOnnx.Tensor("pixels", TinyOnnx.Float, 1, 4)],
            [TinyOnnx.Tensor("y", TinyOnnx.Float, 1, 4)],
            [TinyOnnx.Node("Identity", ["pixels"], ["y"])]);
        var e = Bad(pixels, BertModelProblem.ModelInputUnsupported);
        Assert.Contains("pixels", e.Message);

        var maskOnly = TinyOnnx.Build(
            [TinyOnnx.Tensor("attention_mask", TinyOnnx.Int64, -1, -1)],
            [TinyOnnx.Tensor("y", TinyOnnx.Int64, -1, -1)],
            [TinyOnnx.Node("Identity", ["attention_mask"], ["y"])]);
        var e2 = Bad(maskOnly, BertModelProblem.ModelInputMissing);
        Assert.Contains("input_ids", e2.Message);
        Assert.Contains("attention_mask (int64 [?, ?])", e2.Message);

        var int32Ids = TinyOnnx.Build(
            [TinyOnnx.Tensor("input_ids", (int)Onnx.TensorProto.Types.DataType.Int32, -1, -1)],
            [TinyOnnx.Tensor("y", TinyOnnx.Float, -1, -1, 4)],
            [TinyOnnx.Node("Identity", ["input_ids"], ["y"])]);
        Assert.Contains("not int64", Bad(int32Ids, BertModelProblem.ModelInputUnsupported).Message);
    }

    [Fact]
    public void Onnx_without_a_poolable_output()
    {
        var intOutput = TinyOnnx.Build(
            [TinyOnnx.Tensor("input_ids", TinyOnnx.Int64, -1, -1)],
            [TinyOnnx.Tensor("ids_out", TinyOnnx.Int64, -1, -1)],
            [TinyOnnx.Node("Identity", ["input_ids"], ["ids_out"])]);
        var e = Bad(intOutput, BertModelProblem.ModelOutputMissing);
        Assert.Contains("ids_out", e.Message);

        using var dir = new TempDirectory();
        var wrongName = Assert.Throws<BertModelException>(() => BertModel.FromFiles(
            dir.File("toy.onnx", TinyOnnx.ToyEncoder()), dir.File("vocab.txt", TinyOnnx.ToyVocabulary), new BertModelSettings { OutputName = "pooler_output" }));
        Assert.Equal(BertModelProblem.ModelOutputMissing, wrongName.Problem);
        Assert.Contains("'pooler_output'", wrongName.Message);
        Assert.Contains("last_hidden_state (float [?, ?, 4])", wrongName.Message);
    }

    [Fact]
    public void Bad_vocabularies()
    {
        using var dir = new TempDirectory();
        var onnx = dir.File("toy.onnx", TinyOnnx.ToyEncoder());
        var empty = dir.File("empty.txt", "");
        var e = Assert.Throws<BertModelException>(() => BertModel.FromFiles(onnx, empty));
        Assert.Equal(BertModelProblem.VocabularyEmpty, e.Problem);
        Assert.Equal(empty, e.SourceName);
        Assert.Contains(empty, e.Message);

        var blank = dir.File("blank.txt", "\r\n\r\n");
        Assert.Equal(BertModelProblem.VocabularyEmpty, Assert.Throws<BertModelException>(() => BertModel.FromFiles(onnx, blank)).Problem);

        var noSpecials = dir.File("words.txt", "[PAD]\nhello\nworld\n[UNK]\n");
        var e2 = Assert.Throws<BertModelException>(() => BertModel.FromFiles(onnx, noSpecials));
        Assert.Equal(BertModelProblem.VocabularySpecialTokenMissing, e2.Problem);
        Assert.Contains("lacks [CLS], [SEP]", e2.Message);
        Assert.DoesNotContain("[PAD]", e2.Message[e2.Message.IndexOf("lacks", StringComparison.Ordinal)..e2.Message.IndexOf('.', e2.Message.IndexOf("lacks", StringComparison.Ordinal))]);
    }

    [Fact]
    public void Invalid_settings_are_rejected()
    {
        using var dir = new TempDirectory();
        var onnx = dir.File("toy.onnx", TinyOnnx.ToyEncoder());
        var vocab = dir.File("vocab.txt", TinyOnnx.ToyVocabulary);
        Assert.Throws<ArgumentOutOfRangeException>(() => BertModel.FromFiles(onnx, vocab, new BertModelSettings { MaxTokens = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => BertModel.FromFiles(onnx, vocab, new BertModelSettings { Pooling = (BertPooling)7 }));
    }

    private static BertModelException Bad(byte[] onnx, BertModelProblem problem)
    {
        using var dir = new TempDirectory();
        var path = dir.File("model.onnx", onnx);
        var vocab = dir.File("vocab.txt", TinyOnnx.ToyVocabulary);
        var e = Assert.Throws<BertModelException>(() => BertModel.FromFiles(path, vocab));
        Assert.Equal(problem, e.Problem);
        Assert.Equal(path, e.SourceName);
        Assert.StartsWith(path + ":", e.Message);
        return e;
    }
}

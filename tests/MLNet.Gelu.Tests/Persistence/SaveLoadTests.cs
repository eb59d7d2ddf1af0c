using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Persistence;
using MLNet.Gelu.Tests.TestSupport;

namespace MLNet.Gelu.Tests.Persistence;

public sealed class SaveLoadTests : IDisposable
{
    private readonly MLContext _ml = new(seed: 1);
    private readonly string _directory = Directory.CreateTempSubdirectory("mlnet-gelu-save-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static void SaveWithActivations(MLContext ml, ITransformer model, DataViewSchema schema, Stream stream) =>
        ml.Model.SaveWithActivations(model, schema, stream);

    private static ITransformer LoadWithActivations(MLContext ml, Stream stream) => ml.Model.LoadWithActivations(stream, out _);

    [Theory]
    [InlineData("Scalar", Activation.Gelu)]
    [InlineData("Known", Activation.Gelu)]
    [InlineData("Variable", Activation.GeluTanh)]
    [InlineData("Sparse", Activation.Elu)]
    public void PlainLoadGivesAWorkingModelWithoutTheLibrary(string column, Activation activation)
    {
        var data = ActivationTestData.Create(_ml);
        var model = _ml.Transforms.ApplyActivation("Out", column, activation).Fit(data);
        var loaded = TransformerChecks.CheckSaveLoad(model, data, 1e-6, absoluteTolerance: 1e-6);
        Assert.Empty(ModelTree.Find<ActivationTransformer>(loaded));
    }

    [Theory]
    [InlineData("Scalar", Activation.Gelu)]
    [InlineData("Known", Activation.Silu)]
    [InlineData("Sparse", Activation.GeluSigmoid)]
    public void LibraryLoaderRestoresTheNativeTransformerBitIdentically(string column, Activation activation)
    {
        var data = ActivationTestData.Create(_ml);
        var model = _ml.Transforms.Concatenate("Both", "Known", "Variable")
            .Append(_ml.Transforms.ApplyActivation([new("Out", column), new("Both", "Both")], activation))
            .Fit(data);
        var loaded = TransformerChecks.CheckSaveLoad(model, data, 0, SaveWithActivations, LoadWithActivations);

        var restored = Assert.Single(ModelTree.Find<ActivationTransformer>(loaded)).Transformer;
        Assert.Equal(activation, restored.Activation);
        Assert.Equal(["Out", "Both"], restored.Columns.Select(c => c.OutputColumnName));
        TransformerChecks.CheckSaveLoad(loaded, data, 1e-6, absoluteTolerance: 1e-6); // and it saves again
    }

    [Fact]
    public void RestoresNestedChainsWithTheirScopes()
    {
        var data = ActivationTestData.Create(_ml);
        var gelu = _ml.Transforms.Gelu("G", "Known").Fit(data);
        var inner = new TransformerChain<ITransformer>(_ml.Transforms.CopyColumns("C", "Scalar").Fit(data), gelu);
        var relu = _ml.Transforms.ApplyActivation("R", "Scalar", Activation.Relu).Fit(data);
        var model = new TransformerChain<ITransformer>([inner, relu], [TransformerScope.Everything, TransformerScope.Training]);

        string path = Path.Combine(_directory, "nested.zip");
        _ml.Model.SaveWithActivations(model, data.Schema, path);
        var loaded = new MLContext(seed: 3).Model.LoadWithActivations(path, out var schema);

        Assert.Equal([[0, 1], [1]], ModelTree.Find<ActivationTransformer>(loaded).Select(f => f.Path));
        var chain = Assert.IsType<TransformerChain<ITransformer>>(loaded);
        Assert.Single(chain.GetModelFor(TransformerScope.Scoring));
        Assert.Equal(2, chain.GetModelFor(TransformerScope.Training).Count());
        TransformerChecks.AssertSameSchema(data.Schema, schema, annotations: false);
        DataViewValues.AssertEqual(DataViewValues.Read(model.Transform(data)), DataViewValues.Read(loaded.Transform(data)), 0);
    }

    [Fact]
    public void WritesAManifestThatPlainMlNetIgnores()
    {
        var data = ActivationTestData.Create(_ml);
        var model = _ml.Transforms.Gelu("Out", "Known").Fit(data);
        string path = Path.Combine(_directory, "model.zip");
        _ml.Model.SaveWithActivations(model, data.Schema, path);

        using (var zip = ZipFile.OpenRead(path))
        {
            Assert.NotNull(zip.GetEntry(ModelManifest.EntryName));
        }

        var plain = new MLContext(seed: 2).Model.Load(path, out _);
        Assert.IsNotType<ActivationTransformer>(plain);
        Assert.IsType<ActivationTransformer>(new MLContext(seed: 2).Model.LoadWithActivations(path, out _));
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public void LoaderReturnsPlainModelsAsMlNetLoadsThem()
    {
        var data = ActivationTestData.Create(_ml);
        var model = _ml.Transforms.Gelu("Out", "Known").Fit(data);
        string path = Path.Combine(_directory, "plain.zip");
        _ml.Model.Save(model, data.Schema, path);
        var loaded = _ml.Model.LoadWithActivations(path, out _);
        Assert.Empty(ModelTree.Find<ActivationTransformer>(loaded));
        DataViewValues.AssertEqual(DataViewValues.Read(model.Transform(data)), DataViewValues.Read(loaded.Transform(data)), 1e-6);
    }

    [Fact]
    public void AFailedSaveLeavesTheExistingFileUntouched()
    {
        var data = ActivationTestData.Create(_ml);
        var model = _ml.Transforms.Gelu("Out", "Known").Fit(data);
        string path = Path.Combine(_directory, "keep.zip");
        File.WriteAllText(path, "previous model");

        var wrongSchema = _ml.Transforms.DropColumns("Known").Fit(data).Transform(data).Schema;
        var invalid = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Model.SaveWithActivations(model, wrongSchema, path));
        Assert.Contains("'Known'", invalid.Message, StringComparison.Ordinal);

        var failing = new TransformerChain<ITransformer>(model, new UnsavableTransformer());
        Assert.Throws<NotSupportedException>(() => _ml.Model.SaveWithActivations(failing, data.Schema, path));

        Assert.Equal("previous model", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_directory));
    }

    [Fact]
    public void StreamOverloadsWorkWithNonSeekableStreams()
    {
        var data = ActivationTestData.Create(_ml);
        var model = _ml.Transforms.Gelu("Out", "Variable", GeluApproximation.Tanh).Fit(data);
        using var buffer = new MemoryStream();
        _ml.Model.SaveWithActivations(model, data.Schema, buffer);
        using var forwardOnly = new ForwardOnlyStream(buffer.ToArray());
        var loaded = new MLContext(seed: 4).Model.LoadWithActivations(forwardOnly, out _);
        Assert.IsType<ActivationTransformer>(loaded);
    }

    [Fact]
    public void RejectsAManifestThatDoesNotMatchTheModel()
    {
        string path = SaveWithManifest("tampered.zip", stream =>
        {
            using var writer = new StreamWriter(stream);
            writer.Write("""{ "format": 1, "activations": [ { "path": [3], "activation": "Gelu", "columns": [ { "output": "Out", "input": "Known", "vector": true } ] } ] }""");
        });

        var error = Assert.Throws<InvalidDataException>(() => _ml.Model.LoadWithActivations(path, out _));
        Assert.Contains("[3]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnOversizedManifestFailsBeforeItIsInflated()
    {
        // 65 MiB of spaces compress to a few dozen kilobytes: a small file that would inflate past the JSON limit.
        string path = SaveWithManifest("bomb.zip", stream =>
        {
            var spaces = new byte[1 << 20];
            Array.Fill(spaces, (byte)' ');
            for (int i = 0; i < 65; i++)
            {
                stream.Write(spaces);
            }
        });

        Assert.True(new FileInfo(path).Length < 2 << 20);
        var error = Assert.Throws<InvalidDataException>(() => _ml.Model.LoadWithActivations(path, out _));
        Assert.Contains("more than the 67108864", error.Message, StringComparison.Ordinal);
        Assert.Contains(ModelManifest.EntryName, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Saves a GELU model, then replaces its manifest with what <paramref name="writeManifest"/> writes.</summary>
    private string SaveWithManifest(string fileName, Action<Stream> writeManifest)
    {
        var data = ActivationTestData.Create(_ml);
        var model = _ml.Transforms.Gelu("Out", "Known").Fit(data);
        string path = Path.Combine(_directory, fileName);
        _ml.Model.SaveWithActivations(model, data.Schema, path);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        zip.GetEntry(ModelManifest.EntryName)!.Delete();
        using var stream = zip.CreateEntry(ModelManifest.EntryName, CompressionLevel.Optimal).Open();
        writeManifest(stream);
        return path;
    }

    /// <summary>A transformer whose save fails, to prove that a failing save never replaces the target file.</summary>
    private sealed class UnsavableTransformer : ITransformer
    {
        public bool IsRowToRowMapper => false;

        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => inputSchema;

        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => throw new NotSupportedException();

        public IDataView Transform(IDataView input) => input;

        public void Save(ModelSaveContext ctx) => throw new NotSupportedException("This transformer cannot be saved.");
    }

    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}

using System.Reflection;

namespace MLNet.Gelu.Bert;

/// <summary>
/// A BERT model ready to score: its ONNX bytes, its WordPiece vocabulary and the settings that say how to feed and
/// pool it. Creation checks the files and reads the model's input and output names, so a bad file fails here with a
/// <see cref="BertModelException"/> rather than at the first row.
/// </summary>
/// <remarks>
/// Only load models from trusted sources: ONNX Runtime executes the graph as given. A model may keep tensors in external
/// data files (<c>TensorProto.external_data</c>) only when it is loaded with <see cref="FromFiles"/>, and only files inside
/// its own folder: absolute paths, <c>..</c> segments and symbolic links that lead out of the folder fail with a
/// <see cref="BertModelException"/> before ONNX Runtime reads anything.
/// </remarks>
public sealed partial class BertModel
{
    private readonly byte[] _onnx;

    private BertModel(
        string name, byte[] onnx, BertVocabulary vocabulary, BertModelSettings settings, OnnxSignature signature, string? folder, IReadOnlyList<OnnxExternalTensor> external)
    {
        Name = name;
        _onnx = onnx;
        Folder = folder;
        ExternalTensors = external;
        Vocabulary = vocabulary;
        Settings = settings;
        Signature = signature;
        (InputIdsName, AttentionMaskName, TokenTypeIdsName) = FindInputs(name, signature);
        var output = FindOutput(name, signature, settings.OutputName);
        OutputName = output.Name;
        OutputRank = output.Dimensions.Length == 0 ? 3 : output.Dimensions.Length;
        var last = output.Dimensions.Length == 0 ? -1 : output.Dimensions[^1];
        HiddenSize = last > 0 ? (int)last : null;
    }

    /// <summary>Where the model came from (file, stream or resource name), used in messages.</summary>
    public string Name { get; }

    /// <summary>The ONNX model bytes.</summary>
    public ReadOnlyMemory<byte> OnnxModel => _onnx;

    /// <summary>The WordPiece vocabulary.</summary>
    internal BertVocabulary Vocabulary { get; }

    /// <summary>How the model is fed and pooled.</summary>
    public BertModelSettings Settings { get; }

    /// <summary>The model's token-ids input (int64 [batch, sequence]).</summary>
    public string InputIdsName { get; }

    /// <summary>The model's attention-mask input, or <see langword="null"/> when it has none.</summary>
    public string? AttentionMaskName { get; }

    /// <summary>The model's token-type-ids input, or <see langword="null"/> when it has none (many models drop it).</summary>
    public string? TokenTypeIdsName { get; }

    /// <summary>The output that is pooled into the embedding.</summary>
    public string OutputName { get; }

    /// <summary>3 for per-token output [batch, sequence, hidden] (pooled), 2 for per-row output [batch, hidden] (used as is).</summary>
    public int OutputRank { get; }

    /// <summary>The embedding size when the model declares it; <see langword="null"/> when the dimension is symbolic (a scorer then measures it).</summary>
    public int? HiddenSize { get; }

    internal OnnxSignature Signature { get; }

    /// <summary>The folder the model file was read from; <see langword="null"/> for streams and resources (then it may not use external data).</summary>
    internal string? Folder { get; }

    /// <summary>The tensors whose data lives in external files (usually none).</summary>
    internal IReadOnlyList<OnnxExternalTensor> ExternalTensors { get; }

    /// <summary>
    /// Checks the external data files again (they may have changed since the model was created) and returns the folder
    /// ONNX Runtime must read them from, or <see langword="null"/> when the model has none.
    /// </summary>
    /// <exception cref="BertModelException">A file lies outside the model's folder or cannot be read.</exception>
    internal string? CheckExternalData() => ExternalDataFiles.Check(Name, Folder, ExternalTensors);

    internal byte[] OnnxBytes => _onnx;

    /// <summary>Returns the same model with other settings (the files are not read again).</summary>
    /// <param name="settings">The new settings.</param>
    public BertModel WithSettings(BertModelSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        return new BertModel(Name, _onnx, Vocabulary, settings, Signature, Folder, ExternalTensors);
    }

    /// <summary>
    /// The same vocabulary and settings with another ONNX graph, such as the bytes of
    /// <see cref="Graphs.GraphRewriteResult.ToByteArray"/> (an activation rewrite or an int8 quantization of the same model).
    /// </summary>
    /// <param name="onnx">The ONNX model bytes.</param>
    /// <param name="name">A name for messages.</param>
    /// <remarks>External data the new graph names is read from this model's folder, under the same rules as <see cref="FromFiles"/>.</remarks>
    /// <exception cref="BertModelException">The bytes are not an ONNX model with the inputs and outputs a BERT needs, or name
    /// external data outside this model's folder or that cannot be read.</exception>
    public BertModel WithOnnx(byte[] onnx, string name)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        ArgumentNullException.ThrowIfNull(name);
        var (signature, external) = ReadSignature(name, onnx);
        ExternalDataFiles.Check(name, Folder, external);
        return new(name, onnx, Vocabulary, Settings, signature, Folder, external);
    }

    /// <summary>Loads a model from an ONNX file and its <c>vocab.txt</c>.</summary>
    /// <param name="onnxPath">Path of the ONNX model.</param>
    /// <param name="vocabularyPath">Path of the WordPiece vocabulary (one token per line).</param>
    /// <param name="settings">How to feed and pool the model; <see langword="null"/> for the defaults.</param>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="BertModelException">A file is empty, truncated, not ONNX, lacks the expected inputs/outputs, or the vocabulary lacks
    /// special tokens; or the model names external data outside its folder or that cannot be read (see the remarks on <see cref="BertModel"/>).</exception>
    public static BertModel FromFiles(string onnxPath, string vocabularyPath, BertModelSettings? settings = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(onnxPath);
        ArgumentException.ThrowIfNullOrEmpty(vocabularyPath);
        RequireFile(onnxPath, "ONNX model");
        RequireFile(vocabularyPath, "vocabulary");
        var onnxName = Path.GetFullPath(onnxPath);
        return Create(onnxName, File.ReadAllBytes(onnxPath), Path.GetFullPath(vocabularyPath), File.ReadAllText(vocabularyPath), settings, Path.GetDirectoryName(onnxName));
    }

    /// <summary>Loads a model from streams (read to the end, not disposed).</summary>
    /// <param name="onnx">The ONNX model bytes.</param>
    /// <param name="vocabulary">The WordPiece vocabulary text (UTF-8).</param>
    /// <param name="settings">How to feed and pool the model; <see langword="null"/> for the defaults.</param>
    /// <param name="name">A name for messages, such as the original file name.</param>
    /// <exception cref="BertModelException">The content is empty, truncated, not ONNX, lacks the expected inputs/outputs, or the vocabulary lacks
    /// special tokens; or the model keeps tensors in external data files (a stream has no folder to read them from).</exception>
    public static BertModel FromStreams(Stream onnx, Stream vocabulary, BertModelSettings? settings = null, string name = "stream")
    {
        ArgumentNullException.ThrowIfNull(onnx);
        ArgumentNullException.ThrowIfNull(vocabulary);
        using var buffer = new MemoryStream();
        onnx.CopyTo(buffer);
        using var reader = new StreamReader(vocabulary, leaveOpen: true);
        return Create($"{name} (ONNX)", buffer.ToArray(), $"{name} (vocabulary)", reader.ReadToEnd(), settings, folder: null);
    }

    /// <summary>Loads a model embedded as manifest resources, such as the SentenceTransformers.* NuGet packages ship.</summary>
    /// <param name="assembly">The assembly holding the resources.</param>
    /// <param name="onnxResource">The ONNX model's resource name.</param>
    /// <param name="vocabularyResource">The vocabulary's resource name.</param>
    /// <param name="settings">How to feed and pool the model; <see langword="null"/> for the defaults.</param>
    /// <exception cref="FileNotFoundException">The assembly has no such resource.</exception>
    public static BertModel FromAssemblyResources(Assembly assembly, string onnxResource, string vocabularyResource, BertModelSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        using var onnx = OpenResource(assembly, onnxResource);
        using var vocabulary = OpenResource(assembly, vocabularyResource);
        var bytes = new byte[onnx.Length];
        onnx.ReadExactly(bytes);
        using var reader = new StreamReader(vocabulary);
        var prefix = assembly.GetName().Name;
        return Create($"{prefix}!{onnxResource}", bytes, $"{prefix}!{vocabularyResource}", reader.ReadToEnd(), settings, folder: null);
    }

    private static Stream OpenResource(Assembly assembly, string name) =>
        assembly.GetManifestResourceStream(name)
        ?? throw new FileNotFoundException(
            $"Assembly {assembly.GetName().Name} has no resource '{name}'. It has: {string.Join(", ", assembly.GetManifestResourceNames())}.", name);

    private static void RequireFile(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The {what} file '{Path.GetFullPath(path)}' does not exist. Check the path (relative paths resolve against '{Environment.CurrentDirectory}').", path);
        }
    }

    private static BertModel Create(string onnxName, byte[] onnx, string vocabularyName, string vocabularyText, BertModelSettings? settings, string? folder)
    {
        settings ??= new BertModelSettings();
        settings.Validate();
        var (signature, external) = ReadSignature(onnxName, onnx);
        ExternalDataFiles.Check(onnxName, folder, external);
        var vocabulary = BertVocabulary.Parse(vocabularyText, vocabularyName);
        return new BertModel(onnxName, onnx, vocabulary, settings, signature, folder, external);
    }
}

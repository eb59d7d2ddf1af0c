using System.IO.Compression;
using System.Text.Json.Nodes;
using Microsoft.ML;
using MLNet.Gelu.Persistence;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Writes a <see cref="BertScoringTransformer"/>'s model and vocabulary into a model zip (entries <c>model.onnx</c> and
/// <c>vocab.txt</c> under its folder) and returns its JSON state for the manifest, and restores it. The options are
/// serialized from <see cref="BertScoringOptions"/> itself (every property but the model, which has its own entries, and
/// the logger), beside the columns and the model's name and settings.
/// </summary>
internal sealed class BertScoringArchive : ITransformerRestorer
{
    private const string ModelEntry = "model.onnx";
    private const string VocabularyEntry = "vocab.txt";
    /// <summary>Where 0.1.0 kept the JSON state that the manifest now records.</summary>
    private const string LegacyStateEntry = "scoring.json";

    /// <summary>The options' properties that are not saved.</summary>
    private static readonly string[] NotSaved = [nameof(BertScoringOptions.Model), nameof(BertEmbedderOptions.Logger)];

    private static readonly System.Text.Json.JsonSerializerOptions Json = ArchiveEntries.Without((typeof(BertEmbedderOptions), NotSaved));

    /// <summary>The fields of <c>scoring.json</c> beside the options.</summary>
    private const string OutputField = "output", InputField = "input", ModelNameField = "modelName", SettingsField = "settings";

    /// <summary>Option names of 0.1.0's <c>scoring.json</c>, which wrote the column options under shorter names.</summary>
    private static readonly Dictionary<string, string> LegacyNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["secondInput"] = "secondInputColumnName",
        ["truncatedTokens"] = "truncatedTokensColumnName",
        ["tokenCount"] = "tokenCountColumnName",
    };

    internal static JsonObject Write(BertScoringTransformer transformer, ZipArchive archive, string folder)
    {
        var model = transformer.SourceModel;
        var state = System.Text.Json.JsonSerializer.SerializeToNode(transformer.Options, Json)!.AsObject();
        state[OutputField] = transformer.OutputColumnName;
        state[InputField] = transformer.InputColumnName;
        state[ModelNameField] = model.Name;
        state[SettingsField] = System.Text.Json.JsonSerializer.SerializeToNode(model.Settings, ArchiveEntries.Json);

        ArchiveEntries.WriteBytes(archive, folder + ModelEntry, model.OnnxModel.Span, CompressionLevel.NoCompression);
        ArchiveEntries.WriteBytes(archive, folder + VocabularyEntry, System.Text.Encoding.UTF8.GetBytes(model.Vocabulary.Text));
        return state;
    }

    public ITransformer Restore(ITransformer surrogate, ArchivedComponent component)
    {
        string source = component.Source;
        if (surrogate is not Microsoft.ML.Transforms.CustomMappingTransformer<BertSurrogate.SurrogateInput, BertSurrogate.SurrogateOutput>
            && surrogate.GetType().Name.StartsWith("CustomMappingTransformer", StringComparison.Ordinal) is false)
        {
            throw new InvalidDataException(
                $"The manifest of {source} records a BERT scoring transformer where the model holds {surrogate.GetType().Name}. The file was changed after saving.");
        }

        string entry = $"state of the BERT scoring transformer at {component.Where}";
        var state = component.ReadState(LegacyStateEntry);
        string output = Take<string>(state, OutputField, entry, source);
        string input = Take<string>(state, InputField, entry, source);
        string modelName = Take<string>(state, ModelNameField, entry, source);
        var settings = Take<BertModelSettings>(state, SettingsField, entry, source);
        foreach (var (legacy, current) in LegacyNames)
        {
            if (state.Remove(legacy, out var value))
            {
                state[current] = value;
            }
        }

        var options = ArchiveEntries.Deserialize<BertScoringOptions>(state, entry, source, Json);
        BertModel model;
        using (var onnx = component.Open(ModelEntry))
        using (var vocabulary = component.Open(VocabularyEntry))
        {
            model = BertModel.FromStreams(onnx, vocabulary, settings, modelName);
        }

        options = options with { Model = model };
        options.Validate();
        return new BertScoringTransformer(output, input, options, component.Environment is { } environment ? MLContextLogger.For(environment) : null);
    }

    private static T Take<T>(JsonObject state, string field, string entry, string source)
    {
        var node = state[field] ?? throw new InvalidDataException($"The entry '{entry}' of {source} has no '{field}'; the file was changed after saving.");
        state.Remove(field);
        return ArchiveEntries.Deserialize<T>(node, entry, source);
    }
}

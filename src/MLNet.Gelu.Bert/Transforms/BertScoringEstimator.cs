using Microsoft.Extensions.Logging;
using Microsoft.ML;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Estimator for <see cref="BertScoringTransformer"/>. It learns nothing from the data: <see cref="Fit"/> checks the
/// columns, loads the model (rewriting its activations when asked) and opens the ONNX Runtime session. Create it with
/// <c>mlContext.Transforms.ScoreBert(...)</c>.
/// </summary>
public sealed class BertScoringEstimator : IEstimator<BertScoringTransformer>
{
    private readonly string _output;
    private readonly string _input;
    private readonly BertScoringOptions _options;
    private readonly ILogger? _contextLogger;

    /// <summary>Creates the estimator.</summary>
    /// <param name="outputColumnName">The embedding column.</param>
    /// <param name="inputColumnName">The text column.</param>
    /// <param name="options">The options.</param>
    /// <param name="contextLogger">Where the transformer logs when <see cref="BertEmbedderOptions.Logger"/> is null: the
    /// catalog's ML.NET channel.</param>
    internal BertScoringEstimator(string outputColumnName, string inputColumnName, BertScoringOptions options, ILogger? contextLogger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        string?[] outputs = [outputColumnName, options.TruncatedTokensColumnName, options.TokenCountColumnName];
        var named = outputs.OfType<string>().ToArray();
        if (named.Any(string.IsNullOrWhiteSpace) || named.Distinct(StringComparer.Ordinal).Count() != named.Length)
        {
            throw new ArgumentException(
                $"The output column '{outputColumnName}', TruncatedTokensColumnName '{options.TruncatedTokensColumnName}' and TokenCountColumnName " +
                $"'{options.TokenCountColumnName}' must be distinct, non-empty names (or null for the optional ones).", nameof(options));
        }

        _output = outputColumnName;
        _input = inputColumnName;
        _options = options;
        _contextLogger = contextLogger;
    }

    /// <summary>Checks the input columns and creates the transformer (and its ONNX Runtime session).</summary>
    /// <param name="input">The data the transformer will score (only its schema is read).</param>
    /// <returns>The transformer; dispose it when done.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An input column is missing or is not text; the message names it and its type.</exception>
    /// <exception cref="ExecutionProviderUnavailableException">The execution provider is not in this app's ONNX Runtime and <see cref="BertEmbedderOptions.FallbackToCpu"/> is off.</exception>
    /// <exception cref="ExecutionProviderFailedException">The execution provider is there but ONNX Runtime failed with it (an option, the device,
    /// memory); <see cref="BertEmbedderOptions.FallbackToCpu"/> does not apply.</exception>
    /// <exception cref="OnnxRuntimeNotFoundException">The app carries no ONNX Runtime native library.</exception>
    public BertScoringTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckColumns(input.Schema);
        return new BertScoringTransformer(_output, _input, _options, _options.Logger ?? _contextLogger);
    }

    /// <summary>Returns the output shape: a known-size vector of Single (and an Int32 truncated-tokens column when asked for).</summary>
    /// <param name="inputSchema">The shape of the input.</param>
    /// <returns>The shape of the output.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An input column is missing or is not text.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        BertInputs.Check(inputSchema, _input);
        if (_options.SecondInputColumnName is { } second)
        {
            BertInputs.Check(inputSchema, second);
        }

        return BertSurrogate.CreateEstimator(_output, _input, _options, 0)
            .GetOutputSchema(inputSchema);
    }

    private void CheckColumns(DataViewSchema schema)
    {
        BertInputs.Resolve(schema, _input);
        if (_options.SecondInputColumnName is { } second)
        {
            BertInputs.Resolve(schema, second);
        }
    }
}

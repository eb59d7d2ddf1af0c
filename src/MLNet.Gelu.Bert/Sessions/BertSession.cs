using Microsoft.ML.OnnxRuntime;

namespace MLNet.Gelu.Bert;

/// <summary>
/// One ONNX Runtime session over a BERT model, shared by all callers: <see cref="Run"/> is thread-safe. Inputs are
/// passed as <see cref="OrtValue"/>s over the caller's (pooled) buffers, so nothing is copied on the way in.
/// </summary>
internal sealed class BertSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    /// <summary>Opens a session on the model.</summary>
    /// <param name="model">The model.</param>
    /// <param name="options">Threads, optimization level, execution provider; <see langword="null"/> for the defaults (CPU).</param>
    /// <exception cref="ExecutionProviderUnavailableException">The provider is missing and <see cref="BertSessionOptions.FallbackToCpu"/> is off.</exception>
    /// <exception cref="BertModelException">ONNX Runtime refuses the model on the CPU (<see cref="BertModelProblem.ModelRejectedByRuntime"/>).</exception>
    /// <exception cref="OnnxRuntimeNotFoundException">The app carries no ONNX Runtime native library; the message names the package to add.</exception>
    public BertSession(BertModel model, BertSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new BertSessionOptions();
        options.Validate();
        Model = model;
        try
        {
            (_session, ExecutionProvider) = Open(model, options);
            _runOptions = new RunOptions();
        }
        catch (Exception e) when (OnnxRuntimeNotFoundException.IsNativeLibraryMissing(e))
        {
            throw new OnnxRuntimeNotFoundException(e);
        }

        _inputNames = new[] { model.InputIdsName, model.AttentionMaskName, model.TokenTypeIdsName }.OfType<string>().ToArray();
        _outputNames = [model.OutputName];
        Dimension = model.HiddenSize ?? MeasureDimension();
    }

    /// <summary>The model.</summary>
    public BertModel Model { get; }

    /// <summary>The provider the session actually runs on (<see cref="BertExecutionProvider.Cpu"/> after a fallback).</summary>
    public BertExecutionProvider ExecutionProvider { get; }

    /// <summary>The embedding size (the output's last dimension).</summary>
    public int Dimension { get; }

    /// <summary>The number of floats <see cref="Run"/> writes for a batch: batch × length × <see cref="Dimension"/> for per-token output, batch × <see cref="Dimension"/> for per-row output.</summary>
    /// <param name="batch">Rows in the batch.</param>
    /// <param name="length">Tokens per row after padding.</param>
    public int OutputLength(int batch, int length) => Model.OutputRank == 3 ? batch * length * Dimension : batch * Dimension;

    /// <summary>
    /// Runs one padded batch. <paramref name="inputIds"/>, <paramref name="attentionMask"/> and
    /// <paramref name="tokenTypeIds"/> each hold <paramref name="batch"/> × <paramref name="length"/> values, row-major;
    /// the model output is written into <paramref name="output"/> (see <see cref="OutputLength"/>). Thread-safe.
    /// </summary>
    /// <param name="inputIds">Token ids, padded with <c>[PAD]</c>.</param>
    /// <param name="attentionMask">1 for tokens, 0 for padding.</param>
    /// <param name="tokenTypeIds">Token types (ignored when the model has no such input).</param>
    /// <param name="batch">Rows in the batch.</param>
    /// <param name="length">Tokens per row after padding.</param>
    /// <param name="output">Receives [batch, length, hidden] or [batch, hidden] floats.</param>
    public void Run(Memory<long> inputIds, Memory<long> attentionMask, Memory<long> tokenTypeIds, int batch, int length, Memory<float> output)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        var count = batch * length;
        var outputCount = OutputLength(batch, length);
        if (inputIds.Length < count || attentionMask.Length < count || tokenTypeIds.Length < count || output.Length < outputCount)
        {
            throw new ArgumentException($"A batch of {batch} × {length} needs {count} values per input and {outputCount} output floats.");
        }

        long[] shape = [batch, length];
        long[] outputShape = Model.OutputRank == 3 ? [batch, length, Dimension] : [batch, Dimension];
        using var ids = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputIds[..count], shape);
        using var mask = Model.AttentionMaskName is null ? null : OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, attentionMask[..count], shape);
        using var types = Model.TokenTypeIdsName is null ? null : OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, tokenTypeIds[..count], shape);
        using var result = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, output[..outputCount], outputShape);
        OrtValue[] inputs = Model.AttentionMaskName is null
            ? (types is null ? [ids] : [ids, types])
            : (types is null ? [ids, mask!] : [ids, mask!, types]);
        _session.Run(_runOptions, _inputNames, inputs, _outputNames, [result]);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }

    private int MeasureDimension()
    {
        long[] ids = [Model.Vocabulary.ClsId, Model.Vocabulary.SepId];
        long[] mask = [1, 1];
        long[] types = [0, 0];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [1, 2]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [1, 2]);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(types, [1, 2]);
        var all = new[] { idsValue, maskValue, typesValue };
        var inputs = new[] { Model.InputIdsName, Model.AttentionMaskName, Model.TokenTypeIdsName }
            .Select((name, i) => (name, value: all[i])).Where(p => p.name is not null).ToArray();
        using var outputs = _session.Run(_runOptions, inputs.Select(p => p.name!).ToArray(), inputs.Select(p => p.value).ToArray(), _outputNames);
        return (int)outputs[0].GetTensorTypeAndShape().Shape[^1];
    }

    private static (InferenceSession Session, BertExecutionProvider Provider) Open(BertModel model, BertSessionOptions options)
    {
        try
        {
            return (Create(model, options, withProvider: true), options.ExecutionProvider);
        }
        catch (Exception e) when (options.ExecutionProvider != BertExecutionProvider.Cpu && ExecutionProviders.IsUnavailable(e) && !OnnxRuntimeNotFoundException.IsNativeLibraryMissing(e))
        {
            if (!options.FallbackToCpu)
            {
                throw new ExecutionProviderUnavailableException(options.ExecutionProvider, e);
            }

            var provider = options.ExecutionProvider;
            options.Log?.Invoke(
                $"{model.Name}: the {provider} execution provider is not available ({e.GetType().Name}: {e.Message.Trim()}); " +
                $"falling back to the CPU as FallbackToCpu asks. For {provider}, an app references {ExecutionProviderUnavailableException.RequiredPackage(provider)}.");
            return (Create(model, options, withProvider: false), BertExecutionProvider.Cpu);
        }
    }

    private static InferenceSession Create(BertModel model, BertSessionOptions options, bool withProvider)
    {
        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = options.GraphOptimizationLevel,
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = options.InterOpThreads,
        };
        foreach (var (key, value) in options.ConfigEntries)
        {
            sessionOptions.AddSessionConfigEntry(key, value);
        }

        if (withProvider)
        {
            ExecutionProviders.Append(sessionOptions, options);
        }

        if (withProvider && options.ExecutionProvider != BertExecutionProvider.Cpu)
        {
            // A failure here may be the provider's: Open decides.
            return new InferenceSession(model.OnnxBytes, sessionOptions);
        }

        try
        {
            return new InferenceSession(model.OnnxBytes, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new BertModelException(model.Name, BertModelProblem.ModelRejectedByRuntime,
                $"ONNX Runtime cannot load the model: {e.Message.Trim()}");
        }
    }
}

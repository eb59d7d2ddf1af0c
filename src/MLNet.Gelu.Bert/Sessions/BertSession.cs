using Microsoft.ML.OnnxRuntime;

namespace MLNet.Gelu.Bert;

/// <summary>
/// One ONNX Runtime session over a BERT model, shared by all callers: <see cref="Run"/> is thread-safe. Inputs are
/// passed as <see cref="OrtValue"/>s over the caller's (pooled) buffers, so nothing is copied on the way in.
/// </summary>
/// <remarks>
/// Lifetime: ONNX Runtime's handles are raw native pointers, so releasing them under a running <see cref="Run"/> would
/// crash the process. Every <see cref="Run"/> therefore holds a lease (<see cref="Enter"/>/<see cref="Leave"/>: one
/// interlocked increment and one decrement) for the duration of the native call. <see cref="Dispose"/> only marks the
/// session disposed and never waits: runs already inside ONNX Runtime complete normally, runs that have not entered
/// yet throw <see cref="ObjectDisposedException"/> naming <see cref="BertSessionOptions.Owner"/>, and the native
/// session and run options are released exactly once by whoever leaves last (the disposing thread when nothing runs).
/// This is the one place the lifetime of the native handles is decided; the public types that own a session
/// (<see cref="BertEmbedder"/>, <see cref="BertScoringTransformer"/>) just forward <see cref="Dispose"/>.
/// </remarks>
internal sealed class BertSession : IDisposable
{
    /// <summary>Set in <see cref="_state"/> once <see cref="Dispose"/> was called; the bits below count the runs in flight.</summary>
    private const int DisposedFlag = 1 << 30;

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly string _owner;

    /// <summary><see cref="DisposedFlag"/> | the number of leases held (runs inside ONNX Runtime).</summary>
    private int _state;

    /// <summary>How often the native handles were released: 0, then 1 forever.</summary>
    private int _releases;

    /// <summary>Opens a session on the model; when anything after opening fails, the session is released again.</summary>
    /// <param name="model">The model.</param>
    /// <param name="options">Threads, optimization level, execution provider; <see langword="null"/> for the defaults (CPU).</param>
    /// <exception cref="ExecutionProviderUnavailableException">The provider is missing from the native library (or its libraries cannot be
    /// loaded) and <see cref="BertSessionOptions.FallbackToCpu"/> is off.</exception>
    /// <exception cref="ExecutionProviderFailedException">The provider is there but ONNX Runtime failed with it (an option, the device,
    /// memory); FallbackToCpu does not apply. The inner exception is ONNX Runtime's.</exception>
    /// <exception cref="BertModelException">ONNX Runtime refuses the model on the CPU, or cannot run it to measure its output size
    /// (<see cref="BertModelProblem.ModelRejectedByRuntime"/>; the inner exception is ONNX Runtime's).</exception>
    /// <exception cref="OnnxRuntimeNotFoundException">The app carries no ONNX Runtime native library; the message names the package to add.</exception>
    public BertSession(BertModel model, BertSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new BertSessionOptions();
        options.Validate();
        Model = model;
        _owner = options.Owner;
        _inputNames = new[] { model.InputIdsName, model.AttentionMaskName, model.TokenTypeIdsName }.OfType<string>().ToArray();
        _outputNames = [model.OutputName];
        try
        {
            (_session, ExecutionProvider) = Open(model, options);
        }
        catch (Exception e) when (OnnxRuntimeNotFoundException.IsNativeLibraryMissing(e))
        {
            throw new OnnxRuntimeNotFoundException(e);
        }

        try
        {
            _runOptions = new RunOptions();
            Dimension = model.HiddenSize ?? MeasureDimension();
        }
        catch
        {
            // Nobody else can reach this instance: release what was opened, exactly as Dispose would.
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// Raised on the releasing thread right after a session's native handles were released (once per session).
    /// Tests use it to see the release of a session whose constructor threw; nothing in the library subscribes.
    /// </summary>
    internal static event Action<BertSession>? Released;

    /// <summary>
    /// Test seam for fault injection: called with the batch's rows, padded length and token ids (rows × length, padded)
    /// inside every run's lease, just before ONNX Runtime runs; an exception it throws fails that run as a failing model
    /// would. Null (nothing) in the library.
    /// </summary>
    internal RunHook? BeforeRun { get; set; }

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
    /// <exception cref="ObjectDisposedException">The session was disposed before this run entered ONNX Runtime.</exception>
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

        Enter();
        try
        {
            BeforeRun?.Invoke(batch, length, inputIds.Span[..count]);
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
        finally
        {
            Leave();
        }
    }

    /// <summary><see langword="true"/> once <see cref="Dispose"/> was called (the native handles may still be in use by runs in flight).</summary>
    public bool IsDisposed => (Volatile.Read(ref _state) & DisposedFlag) != 0;

    /// <summary><see langword="true"/> once the native session and run options were released.</summary>
    internal bool IsReleased => Volatile.Read(ref _releases) != 0;

    /// <summary>How often the native handles were released; the lease guarantees it never exceeds 1 (tests check it).</summary>
    internal int ReleaseCount => Volatile.Read(ref _releases);

    /// <summary>The runs holding a lease right now.</summary>
    internal int ActiveRuns => Volatile.Read(ref _state) & ~DisposedFlag;

    /// <summary>Throws <see cref="ObjectDisposedException"/> (naming the owner) once <see cref="Dispose"/> was called; for calls that may not reach <see cref="Run"/>.</summary>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    public void ThrowIfDisposed()
    {
        if (IsDisposed)
        {
            throw Disposed();
        }
    }

    /// <summary>
    /// Marks the session disposed: later runs throw <see cref="ObjectDisposedException"/>; runs in flight complete, and
    /// the last of them releases the native handles (this call does when none runs). Idempotent, never blocks, never throws.
    /// </summary>
    public void Dispose()
    {
        // 0 before: not disposed yet and no run in flight, so this call is the last to leave.
        if (Interlocked.Or(ref _state, DisposedFlag) == 0)
        {
            ReleaseNative();
        }
    }

    /// <summary>
    /// Takes a lease on the native handles: they stay alive until the matching <see cref="Leave"/>. Every successful
    /// call must be paired with exactly one <see cref="Leave"/> (try/finally).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The session was disposed; no lease is held then.</exception>
    internal void Enter()
    {
        if ((Interlocked.Increment(ref _state) & DisposedFlag) != 0)
        {
            // Too late: give the count back (this may make us the last to leave) and fail.
            Leave();
            throw Disposed();
        }
    }

    /// <summary>Returns a lease; the last one out after <see cref="Dispose"/> releases the native handles.</summary>
    internal void Leave()
    {
        if (Interlocked.Decrement(ref _state) == DisposedFlag)
        {
            ReleaseNative();
        }
    }

    private ObjectDisposedException Disposed() =>
        new(_owner, $"The {_owner} was disposed: its ONNX Runtime session is closed. Create a new one to score.");

    /// <summary>Releases the native handles once; later calls (a refused <see cref="Enter"/> racing the release) do nothing.</summary>
    private void ReleaseNative()
    {
        if (Interlocked.CompareExchange(ref _releases, 1, 0) != 0)
        {
            return;
        }

        // Null only when the constructor failed before creating them.
        _runOptions?.Dispose();
        _session?.Dispose();
        Released?.Invoke(this);
    }

    /// <summary>Runs <c>[CLS] [SEP]</c> once to read the output's last dimension (the model declares it symbolic).</summary>
    /// <exception cref="BertModelException">ONNX Runtime fails to run the model; the inner exception is its error.</exception>
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
        try
        {
            using var outputs = _session.Run(_runOptions, inputs.Select(p => p.name!).ToArray(), inputs.Select(p => p.value).ToArray(), _outputNames);
            return (int)outputs[0].GetTensorTypeAndShape().Shape[^1];
        }
        catch (OnnxRuntimeException e)
        {
            throw new BertModelException(Model.Name, BertModelProblem.ModelRejectedByRuntime,
                $"ONNX Runtime loaded the model but cannot run it on the two tokens [CLS] [SEP], the input that measures the size of its output " +
                $"'{Model.OutputName}' (declared symbolic): {e.Message.Trim()}", e);
        }
    }

    /// <summary>
    /// Opens the session on the requested provider. A provider the native library lacks, or whose shared library cannot be
    /// loaded, is missing: with <see cref="BertSessionOptions.FallbackToCpu"/> the session opens on the CPU and the switch is
    /// logged, else <see cref="ExecutionProviderUnavailableException"/>. Any other failure of the provider throws
    /// <see cref="ExecutionProviderFailedException"/> with ONNX Runtime's error inside, whatever FallbackToCpu says.
    /// </summary>
    private static (InferenceSession Session, BertExecutionProvider Provider) Open(BertModel model, BertSessionOptions options)
    {
        // Files may have changed since the model was created: check its external data again, right before ONNX Runtime reads it.
        var externalData = model.CheckExternalData();
        var provider = options.ExecutionProvider;
        if (provider == BertExecutionProvider.Cpu)
        {
            return (OpenOnCpu(model, options, externalData), provider);
        }

        var values = ExecutionProviders.NativeOptions(options);
        var available = options.AvailableProviders?.Invoke() ?? ExecutionProviders.Available();
        if (!available.Contains(ExecutionProviders.NativeName(provider), StringComparer.Ordinal))
        {
            return (FallBack(model, options, externalData, inner: null), BertExecutionProvider.Cpu);
        }

        using var sessionOptions = NewSessionOptions(options, externalData);
        try
        {
            (options.AppendProvider ?? ExecutionProviders.Append)(sessionOptions, provider, values);
        }
        catch (Exception e) when (ExecutionProviders.IsMissing(e) && !OnnxRuntimeNotFoundException.IsNativeLibraryMissing(e))
        {
            return (FallBack(model, options, externalData, e), BertExecutionProvider.Cpu);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ExecutionProviderFailedException(provider, values, "while it was added to the session options", e);
        }

        try
        {
            return (new InferenceSession(model.OnnxBytes, sessionOptions), provider);
        }
        catch (OnnxRuntimeException e) when (ExecutionProviders.IsMissing(e))
        {
            // Some providers load their libraries only when the session starts.
            return (FallBack(model, options, externalData, e), BertExecutionProvider.Cpu);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ExecutionProviderFailedException(provider, values, $"while the session for the model {model.Name} was created", e);
        }
    }

    /// <summary>The provider is missing: throws <see cref="ExecutionProviderUnavailableException"/>, or with FallbackToCpu logs the switch and opens on the CPU.</summary>
    private static InferenceSession FallBack(BertModel model, BertSessionOptions options, string? externalData, Exception? inner)
    {
        var provider = options.ExecutionProvider;
        if (!options.FallbackToCpu)
        {
            throw new ExecutionProviderUnavailableException(provider, inner);
        }

        if (options.Logger is { } logger)
        {
            BertLog.ExecutionProviderFallback(
                logger, model.Name, provider, ExecutionProviderUnavailableException.Reason(provider, inner), ExecutionProviderUnavailableException.RequiredPackage(provider));
        }

        return OpenOnCpu(model, options, externalData);
    }

    private static InferenceSession OpenOnCpu(BertModel model, BertSessionOptions options, string? externalData)
    {
        using var sessionOptions = NewSessionOptions(options, externalData);
        try
        {
            return new InferenceSession(model.OnnxBytes, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new BertModelException(model.Name, BertModelProblem.ModelRejectedByRuntime, $"ONNX Runtime cannot load the model: {e.Message.Trim()}", e);
        }
    }

    /// <summary>The session options; <paramref name="externalData"/> is the folder external data is read from (null when the model has none).</summary>
    private static SessionOptions NewSessionOptions(BertSessionOptions options, string? externalData)
    {
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = options.GraphOptimizationLevel,
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = options.InterOpThreads,
        };
        try
        {
            foreach (var (key, value) in options.ConfigEntries)
            {
                sessionOptions.AddSessionConfigEntry(key, value);
            }

            if (externalData is not null)
            {
                sessionOptions.AddSessionConfigEntry(ExternalDataFiles.FolderConfigKey, externalData);
            }
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }

        return sessionOptions;
    }
}

/// <summary>The signature of <see cref="BertSession.BeforeRun"/>: a run's rows, padded length and padded token ids.</summary>
internal delegate void RunHook(int batch, int length, ReadOnlySpan<long> inputIds);

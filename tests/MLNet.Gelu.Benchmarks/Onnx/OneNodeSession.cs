using Microsoft.ML.OnnxRuntime;

namespace MLNet.Gelu.Benchmarks.Onnx;

/// <summary>
/// An ONNX Runtime session over a <see cref="OneNodeModel"/>, with input and output bound once to the caller's
/// pinned arrays, so <see cref="Run"/> measures the kernel and the call overhead only (no allocations).
/// CPU execution provider, one intra-op thread, no spinning (idle sessions must not steal the core).
/// </summary>
internal sealed class OneNodeSession : IDisposable
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue _input;
    private readonly OrtValue _output;
    private readonly OrtIoBinding _binding;

    public OneNodeSession(Activation activation, float[] input, float[] output, int intraOpThreads = 1)
    {
        if (input.Length != output.Length)
        {
            throw new ArgumentException($"Input ({input.Length}) and output ({output.Length}) must have the same length.", nameof(output));
        }

        _options = new SessionOptions
        {
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        _options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        _session = new InferenceSession(OneNodeModel.Build(activation, input.Length), _options);

        long[] shape = [input.Length];
        _input = OrtValue.CreateTensorValueFromMemory(input, shape);
        _output = OrtValue.CreateTensorValueFromMemory(output, shape);
        _binding = _session.CreateIoBinding();
        _binding.BindInput("X", _input);
        _binding.BindOutput("Y", _output);
    }

    public void Run() => _session.RunWithBinding(_runOptions, _binding);

    public void Dispose()
    {
        _binding.Dispose();
        _input.Dispose();
        _output.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
        _options.Dispose();
    }
}

using Microsoft.ML.OnnxRuntime;
using MLNet.Gelu.Bert.Graphs.Model;
using Onnx;

namespace MLNet.Gelu.Bert.Graphs.Quantization;

/// <summary>The checks behind <see cref="MatMulQuantizer.Verify"/>.</summary>
internal static class QuantizationVerifier
{
    public static MatMulQuantizationVerification Verify(MatMulQuantizationResult result, GraphOptimizationLevel optimization)
    {
        if (!Enum.IsDefined(optimization))
        {
            throw new ArgumentOutOfRangeException(nameof(optimization), optimization,
                $"Unknown graph optimization level; use one of {string.Join(", ", Enum.GetNames<GraphOptimizationLevel>())}.");
        }

        var failures = new List<string>();
        var graph = result.Model.Graph;
        var index = new GraphIndex(graph);
        int checkedCount = 0;
        foreach (var q in result.Quantized)
        {
            var producer = index.Producer(q.WrittenOutput);
            string op = producer is null ? "(nothing)" : OpCounts.Key(producer);
            if (op == q.OutputOp)
            {
                checkedCount++;
            }
            else
            {
                failures.Add($"output '{q.WrittenOutput}' of {q.Site.NodeName} is written by {op}, expected {q.OutputOp}");
            }
        }

        var kept = new HashSet<string>(result.Kept.Select(k => k.Site.NodeName), StringComparer.Ordinal);
        foreach (var left in MatMulSiteFinder.Find(index).Where(c => !kept.Contains(c.Site.NodeName)))
        {
            failures.Add($"MatMul {left.Site.NodeName} still multiplies by the float weight '{left.Site.Weight}' but is neither quantized nor listed as kept");
        }

        failures.AddRange(ActivationGraphVerifier.CheckTopology(graph));
        IReadOnlyDictionary<string, int> optimized = new Dictionary<string, int>();
        IReadOnlyList<string> inputs = [], outputs = [];
        Exception? loadError = null;
        if (failures.Count == 0)
        {
            string file = Path.Combine(Path.GetTempPath(), $"mlnet-gelu-quantized-{Guid.NewGuid():N}.onnx");
            try
            {
                // Error level: ORT warns that a fully optimized graph it saves may be specific to this machine, which is the point here.
                using var options = new SessionOptions
                {
                    GraphOptimizationLevel = optimization,
                    OptimizedModelFilePath = file,
                    LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
                };
                using (var session = new InferenceSession(result.ToByteArray(), options))
                {
                    inputs = [.. session.InputNames];
                    outputs = [.. session.OutputNames];
                }

                using var stream = File.OpenRead(file);
                optimized = OpCounts.Of(ModelProto.Parser.ParseFrom(stream).Graph);
            }
            catch (OnnxRuntimeException e)
            {
                loadError = e;
                failures.Add($"ONNX Runtime did not load the model: {e.Message}");
            }
            finally
            {
                File.Delete(file);
            }
        }

        if (failures.Count > 0)
        {
            throw new ActivationGraphVerificationException(failures, loadError);
        }

        return new MatMulQuantizationVerification(checkedCount, OpCounts.Of(graph), optimized, inputs, outputs);
    }
}

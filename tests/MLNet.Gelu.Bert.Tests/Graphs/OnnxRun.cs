using Microsoft.ML.OnnxRuntime;

namespace MLNet.Gelu.Bert.Tests.Graphs;

/// <summary>Runs a small test model on one float input [rows, width] and returns every output.</summary>
internal static class OnnxRun
{
    public static Dictionary<string, float[]> All(byte[] model, float[] x, int rows)
    {
        using var session = new InferenceSession(model);
        using var input = OrtValue.CreateTensorValueFromMemory(x, [rows, x.Length / rows]);
        using var runOptions = new RunOptions();
        var names = session.OutputNames.ToArray();
        using var outputs = session.Run(runOptions, [session.InputNames[0]], [input], names);
        return names.Select((n, i) => (n, outputs[i].GetTensorDataAsSpan<float>().ToArray())).ToDictionary(p => p.n, p => p.Item2);
    }
}

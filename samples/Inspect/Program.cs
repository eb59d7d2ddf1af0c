// Prints the activations of an ONNX model (the embedded all-MiniLM-L6-v2 when no file is given) and optionally
// rewrites them to another activation:
//
//   dotnet run --project samples/Inspect -- inspect [model.onnx] [--rewrite <activation>] [--style contrib|standard|onnx20]
//                                               [--output <file>] [--no-fold-bias] [--no-verify]
using Inspect;
using MLNet.Gelu;
using MLNet.Gelu.Bert.Graphs;

try
{
    var command = CommandLine.Parse(args);
    if (command is null)
    {
        Console.WriteLine(CommandLine.Usage);
        return 0;
    }

    var (name, bytes) = command.ModelPath is null
        ? ("embedded all-MiniLM-L6-v2", MLNet.Gelu.Bert.BertModel.AllMiniLmL6V2().OnnxModel.ToArray())
        : (command.ModelPath, File.ReadAllBytes(command.ModelPath));
    var options = new ActivationRewriteOptions { Style = command.Style, FoldBias = command.FoldBias };

    Console.WriteLine($"Model: {name} ({bytes.Length / 1e6:F1} MB)");
    Console.Write(ActivationGraphInspector.Find(bytes, options));
    if (command.Target is not { } target)
    {
        return 0;
    }

    var result = ActivationGraphRewriter.Rewrite(bytes, target, options);
    Console.WriteLine();
    Console.Write(result);
    if (command.Verify)
    {
        var verification = ActivationGraphVerifier.Verify(result);
        Console.WriteLine($"Verified: {verification.SitesChecked} site(s) written by the expected operator, ONNX Runtime session loaded " +
            $"(inputs {string.Join(", ", verification.InputNames)}; outputs {string.Join(", ", verification.OutputNames)}).");
    }

    if (command.OutputPath is not null)
    {
        File.WriteAllBytes(command.OutputPath, result.ToByteArray());
        Console.WriteLine($"Wrote {command.OutputPath}");
    }

    return 0;
}
catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or NotSupportedException or ActivationGraphVerificationException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
